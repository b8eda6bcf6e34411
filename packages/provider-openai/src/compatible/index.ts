// The protocol layer: what any OpenAI-compatible provider (vLLM, LM Studio, llama.cpp, ...)
// builds on instead of copying the wire handling.
export {
  type ChatStreamMapper,
  createChatStreamMapper,
  type StreamMapperOptions,
} from './chat-stream-mapper.js';
export { createOpenAICompatibleProvider, serverOf } from './create-openai-compatible-provider.js';
export {
  type ErrorBodyParser,
  parseOpenAIErrorBody,
  readErrorFields,
  type UpstreamErrorBody,
} from './error-body.js';
export { type ChatRequestMapping, mapChatRequest } from './map-chat-request.js';
export { mapChatResponse, type ResponseContext } from './map-chat-response.js';
export { mapFinishReason } from './map-finish-reason.js';
export {
  codeForErrorBody,
  codeForStatus,
  type ErrorScope,
  isRetryableCode,
  mapHttpError,
  mapInBandError,
  type UpstreamFailure,
} from './map-http-error.js';
export { mapTransportError, type TransportScope } from './map-transport-error.js';
export { estimatedUsage, estimateInputTokens, mapUsage } from './map-usage.js';
export { mapModelList } from './models-operation.js';
export type { OpenAICompatibleClient, UpstreamResponse } from './openai-compatible-client.js';
export type {
  ApiKeySource,
  ExtraOperation,
  MaxTokensField,
  ModelOverrides,
  OpenAICompatibleConfig,
} from './openai-compatible-config.js';
export { SHARED_PROVIDER_OPTION_KEYS } from './provider-options.js';
export { readChatStream } from './read-chat-stream.js';
export { headerValue, parseRetryAfter, type ResponseHeaders } from './retry-after.js';
export { type StreamWatchdog, watchStream } from './stream-watchdog.js';
export type * from './wire-types.js';
