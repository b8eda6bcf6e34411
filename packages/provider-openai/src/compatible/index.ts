// `@loom/provider-openai/compatible`: the OpenAI wire (Chat Completions, embeddings, model list)
// for providers of OpenAI-compatible servers (vLLM, LM Studio, llama.cpp, ...) to build on. The
// wire-independent pieces (HTTP, stream readers, the error table) are in `@loom/provider-utils`.
export {
  type ChatStreamMapper,
  createChatStreamMapper,
  type StreamMapperOptions,
} from './chat-stream-mapper.js';
export { createOpenAICompatibleProvider } from './create-openai-compatible-provider.js';
export { type ChatRequestMapping, mapChatRequest } from './map-chat-request.js';
export { mapChatResponse, type ResponseContext } from './map-chat-response.js';
export { mapFinishReason } from './map-finish-reason.js';
export { mapUsage } from './map-usage.js';
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
export type * from './wire-types.js';
