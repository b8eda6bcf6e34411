import type { HealthReport, LoadSignal, LoomError, ModelInfo, ProviderType } from '@loom/core';
import type { ErrorBodyParser, UpstreamFailure } from '@loom/provider-utils';
import type { Dispatcher } from 'undici';
import type { OpenAICompatibleClient } from './openai-compatible-client.js';

/** Where the API key comes from; called at every request, so keys can rotate. */
export type ApiKeySource = () => string | undefined | PromiseLike<string | undefined>;

/** Facts to add to (or correct in) what the upstream's `/models` reports, by model id. */
export type ModelOverrides = Readonly<Record<string, Partial<Omit<ModelInfo, 'id'>>>>;

/** Which body field carries `ChatRequest.maxTokens`. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

/** The extra operations a provider adds on top of the protocol (vLLM's `/health`, `/metrics`). */
export type ExtraOperation<T> = (
  client: OpenAICompatibleClient,
  context: { signal: AbortSignal },
) => Promise<T>;

/**
 * Everything `createOpenAICompatibleProvider` needs. Options are taken as given (a provider
 * factory validates its user-facing settings before building this).
 */
export interface OpenAICompatibleConfig {
  /** Provider instance id. */
  id: string;
  /** Provider type, reported as `gen_ai.provider.name` and used as the `providerOptions` key. */
  type: ProviderType;
  /** API base URL including its version prefix, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  /** The API key, read at every call; no `Authorization` header when it yields nothing. */
  apiKey?: ApiKeySource;
  /** When set, a call without a key fails with a `ConfigError` naming this option. */
  requiredApiKeyOption?: string;
  /** Extra headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
  /** Most sockets open at once; default 64. */
  connections?: number;
  /** Idle socket lifetime, milliseconds. */
  keepAliveTimeoutMs?: number;
  /** Socket connect limit, milliseconds. */
  connectTimeoutMs?: number;
  /** Limit until response headers (and, for streams, the first event), ms; default 60 000. */
  headersTimeoutMs?: number;
  /** Limit for silence between body chunks, milliseconds; default 30 000. */
  bodyTimeoutMs?: number;
  /** An undici dispatcher to send through instead of Loom's own pool (tests, proxies). */
  dispatcher?: Dispatcher;
  /** Body field for `maxTokens`; default `max_tokens`, which every compatible server reads. */
  maxTokensField?: MaxTokensField;
  /** `providerOptions[type]` keys sent through as body fields, besides the shared safe ones. */
  providerOptionKeys?: readonly string[];
  /** Corrections to the model list. */
  models?: ModelOverrides;
  /** Reads error bodies; default OpenAI's `{"error": {...}}`. */
  parseErrorBody?: ErrorBodyParser;
  /** Adjusts the Loom error made from an upstream's non-2xx answer. */
  mapError?: (error: LoomError, failure: UpstreamFailure) => LoomError;
  /** Replaces the default health check (`GET /models`). */
  health?: ExtraOperation<HealthReport>;
  /** Adds `doLoad`. */
  load?: ExtraOperation<LoadSignal>;
}
