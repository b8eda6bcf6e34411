import type { Exchange, Headers } from '../server/exchange.js';
import type { ErrorDetail } from './openai-errors.js';

/** Token counts one answer reports. */
export interface AnswerUsage {
  promptTokens: number;
  /** Includes `reasoningTokens`. */
  completionTokens: number;
  /** Part of the prompt served from the prompt cache. */
  cachedTokens: number;
  /** Part of the completion spent on hidden reasoning. */
  reasoningTokens: number;
}

/** Observes chat answers, e.g. for vLLM's `/metrics`. */
export interface ChatObserver {
  /** A chat request was accepted; the returned tracker follows it to its end. */
  start(model: string): ChatTracker;
}

/** Follows one chat answer. */
export interface ChatTracker {
  /** A content chunk (or a whole non-streamed answer) was sent. */
  token(): void;
  /** The answer ended; `completed` is false for a fault or a client that left. */
  end(outcome: { completed: boolean; usage: AnswerUsage; finishReason: string }): void;
}

/**
 * Where OpenAI-compatible servers differ from OpenAI itself. The OpenAI wire code takes one of
 * these, so vLLM reuses the routes and shapes and only changes what vLLM really does differently.
 */
export interface OpenAIFlavour {
  /** Frames an error detail: `{"error":{...}}` for OpenAI, integer `code` for vLLM. */
  errorBody(status: number, detail: ErrorDetail): unknown;
  /** The detail of a `status` fault without a body. */
  statusDetail(status: number, model: string | undefined): ErrorDetail;
  /** Answers a request without the right key (only asked when the server has an `apiKey`). */
  refuseKey(exchange: Exchange, provided: string | undefined, headers: Headers): void;
  /** Answers an unknown path. */
  notFound(exchange: Exchange, headers: Headers): void;
  /** Headers on every response (`x-request-id`). */
  commonHeaders(): Headers;
  /** Headers on successful chat and embedding answers (`x-ratelimit-*`). */
  successHeaders(): Headers;
  /** The `usage` object of an answer, and of a stream's usage chunk. */
  usage(usage: AnswerUsage): Record<string, unknown>;
  streamUsage(usage: AnswerUsage): Record<string, unknown>;
  /** Extra top-level fields of a completion and of each chunk. */
  completionExtras(): Record<string, unknown>;
  chunkExtras(): Record<string, unknown>;
  /** Extra fields of an assistant message, and of a choice. */
  messageExtras: Record<string, unknown>;
  choiceExtras: Record<string, unknown>;
  /** Extra fields of the first (role) delta. */
  roleDeltaExtras: Record<string, unknown>;
  /** The delta of the finishing chunk (`{}` for OpenAI, `{"content":""}` for vLLM). */
  finishDelta: Record<string, unknown>;
  /** Extra fields of the finishing chunk's choice (vLLM's `stop_reason`). */
  finishChoiceExtras: Record<string, unknown>;
  /** Whether chunks before the usage chunk carry `usage: null` (OpenAI) or no usage key (vLLM). */
  usageNullOnChunks: boolean;
  /** Whether `data: [DONE]` follows an in-band error (vLLM) or the stream just ends (OpenAI). */
  doneAfterError: boolean;
  /** One entry of `GET /v1/models`. */
  modelEntry(id: string): Record<string, unknown>;
  /** Extra top-level fields of an embeddings answer. */
  embeddingExtras(inputTokens: number): Record<string, unknown>;
  /** Vector length when the request does not ask for `dimensions`. */
  embeddingDimensions: number;
  /** Follows chat answers, when set. */
  observer?: ChatObserver;
}
