export {
  createInMemoryAlertSink,
  type InMemoryAlertSink,
  type InMemoryAlertSinkOptions,
} from './create-in-memory-alert-sink.js';
export {
  createInMemoryMetricCollector,
  type InMemoryMetricCollector,
  type InMemoryMetricCollectorOptions,
} from './create-in-memory-metric-collector.js';
export type { MockCall, MockOperation } from './mock-provider/call-recorder.js';
export {
  createMockProvider,
  type MockHealth,
  type MockProvider,
  type MockProviderOptions,
} from './mock-provider/create-mock-provider.js';
export {
  type MockErrorSource,
  type MockErrorStep,
  type MockHangStep,
  type MockReplyStep,
  type MockResponder,
  type MockStep,
  type MockStepOperation,
  type MockStreamStep,
  mockError,
  mockHang,
  mockReply,
  mockStream,
  mockToolCall,
} from './mock-provider/mock-steps.js';
export { type MetricRecording, recordMetrics } from './record-metrics.js';
