export { type CacheEntry, type CacheStore, MemoryCacheStore } from './cache/cache-store.js';
export { canonicalRequestKey } from './cache/canonical-key.js';
export { Cancellation } from './cancel/cancellation.js';
export * from './errors/index.js';
export type { CacheOptions, DegradedOptions } from './kernel/chat-features.js';
export { createKernel } from './kernel/create-kernel.js';
export { definePlugin } from './kernel/define-plugin.js';
export type { EmbeddingBatchingOptions } from './kernel/embed-batcher.js';
export {
  type DeploymentStats,
  type KernelStats,
  OTHER_DEPLOYMENTS,
} from './kernel/kernel-stats.js';
export type {
  CallOptions,
  Kernel,
  KernelChatResponse,
  KernelOptions,
  KernelState,
  KernelStream,
  ModelCatalog,
  ModelEntry,
  ProviderHealth,
} from './kernel/kernel-types.js';
export { cancellationOf } from './kernel/request-context.js';
export { definePluginModule } from './plugin-module/define-plugin-module.js';
export {
  PLUGIN_MODULE_SPECIFICATIONS,
  type PluginModuleExports,
  pluginModulesOf,
} from './plugin-module/plugin-module-exports.js';
export type { CircuitBreakerOptions, CircuitState } from './routing/circuit-breaker.js';
export type { DeploymentTarget, ModelAliasConfig } from './routing/model-config.js';
export type { RetryBudgetOptions } from './routing/retry-budget.js';
export {
  type AttemptFailure,
  type AttemptOutcome,
  createFailoverRouter,
  type RoutePlan,
  type Router,
  type RouterRuntime,
} from './routing/router.js';
export type {
  CandidateExplanation,
  DeploymentStatsReport,
  LatencySummary,
  ProviderStats,
  RouteExplanation,
} from './routing/router-reports.js';
export type { LatencyPrior, RoutingOptions } from './routing/routing-options.js';
export { createRouter } from './routing/smart-router.js';
export type { StrategyName } from './routing/strategies.js';
export * from './schemas/index.js';
export { redactSecrets } from './security/redact-secrets.js';
export type * from './spec/index.js';
export * as genAiNames from './telemetry/gen-ai-names.js';
export type { TelemetryOptions } from './telemetry/gen-ai-telemetry.js';
export { VERSION } from './version.js';
