export { apiRoutes } from './api/api-routes.js';
export type * from './api/api-types.js';
export { buildKernel } from './config/build-kernel.js';
export { ConfigFileError, type ConfigIssue } from './config/config-error.js';
export {
  type LoomConfig,
  loomConfigSchema,
  type ProviderConfig,
} from './config/config-schema.js';
export { configJsonSchema } from './config/json-schema.js';
export { loadConfig, validateConfig } from './config/load-config.js';
export type { LoggingConfig, ServerConfig } from './config/server-schema.js';
export { dashboardRoutes } from './dashboard/dashboard-routes.js';
export { type DemoOptions, type RunningDemo, startDemo } from './demo/start-demo.js';
export { GatewayError, type OpenAIErrorType } from './errors/gateway-error.js';
export { type OpenAIErrorBody, toOpenAIError } from './errors/to-openai-error.js';
export type { AccessRecord } from './logging/access-record.js';
export { type CreateLoggerOptions, createLogger } from './logging/create-logger.js';
export {
  type ReloadResult,
  type RunningLoom,
  type RuntimeLog,
  type StartLoomOptions,
  startLoom,
} from './runtime/start-loom.js';
export { isLoopbackAddress } from './server/admin-access.js';
export {
  type ApiKeyChecker,
  createApiKeyChecker,
  type GatewayKeyEntry,
  type GatewayKeyIdentity,
} from './server/api-keys.js';
export type { CorsOptions } from './server/cors.js';
export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type RunningGateway,
} from './server/create-gateway.js';
export {
  createMemoryRateLimiter,
  type MemoryRateLimiter,
  type MemoryRateLimiterOptions,
} from './server/rate-limit/memory-rate-limiter.js';
export type { RateDecision, RateLimiter, RateLimits } from './server/rate-limit/rate-limiter.js';
export type { DependencyStatus, Readiness } from './server/readiness.js';
export type { RequestLimits } from './server/request-limits.js';
export type { Exchange, Handler, Route, RouteOptions } from './server/route-request.js';
export { configSecrets, gatewayServerOptions } from './server/server-options.js';
export { type ParsedChatRequest, parseChatRequest } from './wire/parse-chat-request.js';
