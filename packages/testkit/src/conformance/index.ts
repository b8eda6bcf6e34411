export { type AlertSinkConformanceOptions, alertSinkChecks } from './alert-sink-checks.js';
export { type ConformanceCheck, ConformanceError } from './check.js';
export { metricProblem } from './expect-valid-metric.js';
export {
  type MetricCollectorConformanceOptions,
  metricCollectorChecks,
} from './metric-collector-checks.js';
export { providerChecks } from './provider-checks.js';
export type { ProviderConformanceOptions } from './provider-harness.js';
export { describeChecks, testAlertSink, testMetricCollector, testProvider } from './test-suites.js';
export type { ExpectedError } from './upstream/expect-mapped-error.js';
export type {
  UpstreamConformanceOptions,
  UpstreamTimeouts,
} from './upstream/upstream-harness.js';
export {
  type UpstreamWire,
  type WireErrorBodies,
  wireErrorBodies,
} from './upstream/wire-error-bodies.js';
