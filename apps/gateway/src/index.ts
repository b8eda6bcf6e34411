export { buildKernel } from './config/build-kernel.js';
export { ConfigFileError, type ConfigIssue } from './config/config-error.js';
export {
  type LoomConfig,
  loomConfigSchema,
  type ProviderConfig,
} from './config/config-schema.js';
export { configJsonSchema } from './config/json-schema.js';
export { loadConfig, validateConfig } from './config/load-config.js';
export { GatewayError, type OpenAIErrorType } from './errors/gateway-error.js';
export { type OpenAIErrorBody, toOpenAIError } from './errors/to-openai-error.js';
export { type ApiKeyChecker, createApiKeyChecker } from './server/api-keys.js';
export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type RunningGateway,
} from './server/create-gateway.js';
export type { Exchange, Handler, Route, RouteOptions } from './server/route-request.js';
export { type ParsedChatRequest, parseChatRequest } from './wire/parse-chat-request.js';
