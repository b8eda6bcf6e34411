export {
  AlertManager,
  type AlertManagerOptions,
  createAlertManager,
} from './alerts/alert-manager.js';
export {
  type AlertCondition,
  type AlertRule,
  type AlertRuleConfig,
  alertRuleSchema,
  type Silence,
  type SilenceConfig,
  silenceSchema,
} from './alerts/alert-rule.js';
export {
  createLlmCollector,
  type LlmCollector,
  type LlmCollectorOptions,
} from './collectors/llm-collector.js';
export * as metricNames from './collectors/metric-names.js';
export {
  type CostEventPayload,
  createSessionCollector,
  type SessionCollectorOptions,
} from './collectors/session-collector.js';
export {
  createSystemCollector,
  type SystemCollector,
  type SystemCollectorOptions,
} from './collectors/system-collector.js';
export {
  createPrometheusExporter,
  PrometheusExporter,
  type PrometheusExporterOptions,
} from './export/prometheus-exporter.js';
export { prometheusLabel, prometheusName } from './export/prometheus-names.js';
export { type MonitorPlugin, type MonitorPluginOptions, monitorPlugin } from './monitor-plugin.js';
export {
  openSqlitePersistence,
  SqlitePersistence,
  type SqlitePersistenceOptions,
} from './persistence/sqlite-persistence.js';
export { loomPlugins } from './plugin-modules.js';
export {
  createPerformanceReport,
  type Distribution,
  type PerformanceReport,
  type ReportOptions,
  type SessionSummary,
} from './report/performance-report.js';
export { reportToMarkdown } from './report/report-markdown.js';
export { createLogSink, type LogSinkOptions, REDACT_PATHS } from './sinks/log-sink.js';
export { createMemorySink, type MemorySink, type MemorySinkOptions } from './sinks/memory-sink.js';
export { slackPayload } from './sinks/slack-payload.js';
export { createWebhookSink, type WebhookSinkOptions } from './sinks/webhook-sink.js';
export { LogSketch, SKETCH_RELATIVE_ACCURACY } from './store/log-sketch.js';
export {
  createMetricStore,
  MAX_RANGE_STEPS,
  MetricStore,
  type MetricStoreOptions,
  type MetricStoreStats,
} from './store/metric-store.js';
export type {
  GroupedRange,
  GroupedResult,
  MetricQuery,
  QueryResult,
  RangePoint,
  Resolution,
  SeriesInfo,
} from './store/query-types.js';
export type { StoredSlot } from './store/slot.js';
export { VERSION } from './version.js';
