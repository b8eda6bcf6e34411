import type { JSONObject } from '../shared/json.js';
import type { Usage } from '../shared/usage.js';
import type { AssistantMessage } from './chat-message.js';
import type { FinishReason } from './finish-reason.js';

/** A finished chat completion. */
export interface ChatResponse {
  /** Upstream response id, when it gave one. */
  id?: string;
  /** Model that actually answered, as the upstream reported it. */
  model: string;
  /** The answer. */
  message: AssistantMessage;
  /** Why generation ended. */
  finishReason: FinishReason;
  /** Tokens used; estimated when the upstream did not report them. */
  usage: Usage;
  /** Upstream-specific facts (for example Ollama's `load_duration`), keyed by provider type. */
  providerMetadata?: Record<string, JSONObject>;
}
