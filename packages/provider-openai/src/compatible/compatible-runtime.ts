import type { ProviderType } from '@loom/core';
import { createJsonClient, type JsonClient } from '@loom/provider-utils';
import { type CallAuth, createAuthResolver } from './auth-headers.js';
import type { ChatRequestMapping } from './map-chat-request.js';
import type { ModelOverrides, OpenAICompatibleConfig } from './openai-compatible-config.js';
import { SHARED_PROVIDER_OPTION_KEYS } from './provider-options.js';

/** Everything one provider instance's operations share; built once by the factory. */
export interface CompatibleRuntime {
  readonly id: string;
  readonly type: ProviderType;
  /** The pool, timeouts and error mapping (`@loom/provider-utils`). */
  readonly client: JsonClient;
  /** Paths of the API's endpoints from the origin (`/v1/chat/completions`), joined once here. */
  readonly paths: ApiPaths;
  readonly mapping: ChatRequestMapping;
  readonly models: ModelOverrides | undefined;
  /** Headers and secrets of a call; throws a `ConfigError` when a required key is missing. */
  readonly auth: () => CallAuth | Promise<CallAuth>;
}

/** Paths from the origin of the endpoints the operations call. */
export interface ApiPaths {
  readonly chat: string;
  readonly embeddings: string;
  readonly models: string;
}

/** Builds the runtime of a provider instance from its config. */
export function createRuntime(config: OpenAICompatibleConfig): CompatibleRuntime {
  const client = createJsonClient({
    provider: config.id,
    baseURL: config.baseURL,
    ...(config.connections === undefined ? {} : { connections: config.connections }),
    ...(config.headersTimeoutMs === undefined ? {} : { headersTimeoutMs: config.headersTimeoutMs }),
    ...(config.bodyTimeoutMs === undefined ? {} : { bodyTimeoutMs: config.bodyTimeoutMs }),
    ...(config.keepAliveTimeoutMs === undefined
      ? {}
      : { keepAliveTimeoutMs: config.keepAliveTimeoutMs }),
    ...(config.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.connectTimeoutMs }),
    ...(config.dispatcher === undefined ? {} : { dispatcher: config.dispatcher }),
    ...(config.parseErrorBody === undefined ? {} : { parseErrorBody: config.parseErrorBody }),
    ...(config.mapError === undefined ? {} : { mapError: config.mapError }),
  });
  const basePath = client.http.basePath;
  return {
    id: config.id,
    type: config.type,
    client,
    paths: {
      chat: `${basePath}/chat/completions`,
      embeddings: `${basePath}/embeddings`,
      models: `${basePath}/models`,
    },
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
