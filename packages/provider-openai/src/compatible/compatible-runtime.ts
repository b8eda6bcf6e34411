import type { ProviderType, TimeoutPhase } from '@loom/core';
import { type CallAuth, createAuthResolver } from './auth-headers.js';
import { type ErrorBodyParser, parseOpenAIErrorBody } from './error-body.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import type { ChatRequestMapping } from './map-chat-request.js';
import type { ErrorScope } from './map-http-error.js';
import type { TransportScope } from './map-transport-error.js';
import type { ModelOverrides, OpenAICompatibleConfig } from './openai-compatible-config.js';
import { SHARED_PROVIDER_OPTION_KEYS } from './provider-options.js';
import type { CallCancel } from './undici-abort.js';

/** Everything one provider instance's operations share; built once by the factory. */
export interface CompatibleRuntime {
  readonly id: string;
  readonly type: ProviderType;
  readonly client: HttpClient;
  /** Paths of the API's endpoints from the origin (`/v1/chat/completions`), joined once here. */
  readonly paths: ApiPaths;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly mapping: ChatRequestMapping;
  readonly models: ModelOverrides | undefined;
  readonly parseErrorBody: ErrorBodyParser;
  readonly mapError: OpenAICompatibleConfig['mapError'];
  /** Headers and secrets of a call; throws a `ConfigError` when a required key is missing. */
  readonly auth: () => CallAuth | Promise<CallAuth>;
}

/** Paths from the origin of the endpoints the operations call. */
export interface ApiPaths {
  readonly chat: string;
  readonly embeddings: string;
  readonly models: string;
}

/** Defaults of the protocol layer's timing and pooling. */
export const DEFAULTS = { connections: 64, headersTimeoutMs: 60_000, bodyTimeoutMs: 30_000 };

/** Builds the runtime of a provider instance from its config. */
export function createRuntime(config: OpenAICompatibleConfig): CompatibleRuntime {
  const headersTimeoutMs = config.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
  const bodyTimeoutMs = config.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs;
  const client = createHttpClient({
    baseURL: config.baseURL,
    connections: config.connections ?? DEFAULTS.connections,
    headersTimeoutMs,
    bodyTimeoutMs,
    ...(config.keepAliveTimeoutMs === undefined
      ? {}
      : { keepAliveTimeoutMs: config.keepAliveTimeoutMs }),
    ...(config.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.connectTimeoutMs }),
    ...(config.dispatcher === undefined ? {} : { dispatcher: config.dispatcher }),
  });
  return {
    id: config.id,
    type: config.type,
    client,
    paths: {
      chat: `${client.basePath}/chat/completions`,
      embeddings: `${client.basePath}/embeddings`,
      models: `${client.basePath}/models`,
    },
    headersTimeoutMs,
    bodyTimeoutMs,
    mapping: {
      providerId: config.id,
      providerType: config.type,
      maxTokensField: config.maxTokensField ?? 'max_tokens',
      allowedOptions: new Set([
        ...SHARED_PROVIDER_OPTION_KEYS,
        ...(config.providerOptionKeys ?? []),
      ]),
    },
    models: config.models,
    parseErrorBody: config.parseErrorBody ?? parseOpenAIErrorBody,
    mapError: config.mapError,
    auth: createAuthResolver({
      providerId: config.id,
      ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
      ...(config.requiredApiKeyOption === undefined
        ? {}
        : { requiredApiKeyOption: config.requiredApiKeyOption }),
      ...(config.headers === undefined ? {} : { headers: config.headers }),
    }),
  };
}

/** The error scope of a call to `path` (a path from the origin). */
export function errorScope(
  runtime: CompatibleRuntime,
  path: string,
  auth: CallAuth,
  model?: string,
): ErrorScope {
  const scope: ErrorScope = {
    provider: runtime.id,
    url: runtime.client.origin + path,
    secrets: auth.secrets,
  };
  if (model !== undefined) scope.model = model;
  return scope;
}

/** The transport scope of a call; `headersPhase` says what a headers timeout means. */
export function transportScope(
  runtime: CompatibleRuntime,
  base: ErrorScope,
  signal: CallCancel,
  headersPhase: TimeoutPhase,
): TransportScope {
  // Field by field rather than `{ ...base, ... }`: the spread copy cost about 1.4 KB per stream
  // (every stream builds this scope, whether or not anything fails).
  const scope: TransportScope = {
    provider: base.provider,
    url: base.url,
    secrets: base.secrets,
    signal,
    headersPhase,
    headersTimeoutMs: runtime.headersTimeoutMs,
    bodyTimeoutMs: runtime.bodyTimeoutMs,
  };
  if (base.model !== undefined) scope.model = base.model;
  return scope;
}
