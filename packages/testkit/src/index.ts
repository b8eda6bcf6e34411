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
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { countSimulatedTokens } from './upstreams/answer/simulated-tokens.js';
export type { FakeReply, FakeWire } from './upstreams/fake/fake-wire.js';
export { SIMULATE_HEADER } from './upstreams/server/fault-rules.js';
export type {
  Fault,
  FaultRule,
  RecordedRequest,
  SimulatedAnswer,
  SimulatedBehaviour,
  SimulatedUpstream,
} from './upstreams/simulated-upstream.js';
export { FAKE_DEFAULT_MODELS, startFakeUpstream } from './upstreams/start-fake-upstream.js';
export {
  OLLAMA_DEFAULT_MODELS,
  type OllamaServerOptions,
  type OllamaUpstream,
  startOllamaServer,
} from './upstreams/start-ollama-server.js';
export {
  OPENAI_DEFAULT_MODELS,
  type OpenAIServerOptions,
  startOpenAIServer,
} from './upstreams/start-openai-server.js';
export {
  startVllmServer,
  VLLM_DEFAULT_MODELS,
  type VllmLoad,
  type VllmServerOptions,
  type VllmUpstream,
} from './upstreams/start-vllm-server.js';
