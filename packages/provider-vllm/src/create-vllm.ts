import type { ProviderV1 } from '@loom/core';
import {
  type ApiKeySource,
  createOpenAICompatibleProvider,
} from '@loom/provider-openai/compatible';
import { parseSettings } from '@loom/provider-utils';
import { parseVllmErrorBody } from './vllm-error-body.js';
import { checkVllmHealth } from './vllm-health.js';
import { createLoadReader } from './vllm-load.js';
import {
  VLLM_PROVIDER_OPTION_KEYS,
  type VllmSettings,
  vllmSettingsSchema,
} from './vllm-settings.js';

/** Settings after validation; the key, headers and dispatcher stay private to the provider. */
export type ResolvedVllmSettings = Readonly<
  Omit<VllmSettings, 'apiKey' | 'headers' | 'dispatcher'> & {
    id: string;
    baseURL: string;
    loadCacheMs: number;
  }
>;

/** A vLLM provider: a `ProviderV1` with `doLoad`, plus the settings it runs with. */
export interface VllmProvider extends ProviderV1 {
  /** Validated, frozen settings. */
  readonly settings: ResolvedVllmSettings;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';

function apiKeySource(apiKey: VllmSettings['apiKey']): ApiKeySource {
  if (typeof apiKey === 'function') return apiKey;
  if (typeof apiKey === 'string') return () => apiKey;
  return () => process.env.VLLM_API_KEY || undefined;
}

/**
 * Creates a provider for a vLLM server: chat, streams and embeddings through the OpenAI-compatible
 * protocol layer, health from `/health`, and a live load signal (running and waiting requests,
 * KV-cache usage) from `/metrics`. Settings are validated once; the key is read per call.
 */
export function createVllm(settings?: VllmSettings): VllmProvider {
  const fromEnvironment = process.env.VLLM_BASE_URL;
  const valid = parseSettings(
    vllmSettingsSchema,
    { ...settings, baseURL: settings?.baseURL ?? (fromEnvironment || DEFAULT_BASE_URL) },
    'createVllm',
    { baseURL: 'VLLM_BASE_URL', apiKey: 'VLLM_API_KEY' },
  ) as VllmSettings & { baseURL: string };
  const { apiKey, headers, dispatcher, ...visible } = valid;
  const origin = valid.baseURL.replace(/\/+$/, '').replace(/\/v1$/, '');
  const resolved: ResolvedVllmSettings = Object.freeze({
    ...visible,
    id: valid.id ?? 'vllm',
    baseURL: origin,
    loadCacheMs: valid.loadCacheMs ?? 1_000,
  });
  const provider = createOpenAICompatibleProvider({
    id: resolved.id,
    type: 'vllm',
    baseURL: `${origin}/v1`,
    apiKey: apiKeySource(apiKey),
    maxTokensField: 'max_tokens',
    providerOptionKeys: VLLM_PROVIDER_OPTION_KEYS,
    parseErrorBody: parseVllmErrorBody,
    health: checkVllmHealth,
    load: createLoadReader(resolved.loadCacheMs),
    ...(headers ? { headers } : {}),
    ...(dispatcher ? { dispatcher } : {}),
    ...(valid.models ? { models: valid.models } : {}),
    ...(valid.connections ? { connections: valid.connections } : {}),
    ...(valid.keepAliveTimeoutMs ? { keepAliveTimeoutMs: valid.keepAliveTimeoutMs } : {}),
    ...(valid.connectTimeoutMs ? { connectTimeoutMs: valid.connectTimeoutMs } : {}),
    ...(valid.headersTimeoutMs ? { headersTimeoutMs: valid.headersTimeoutMs } : {}),
    ...(valid.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: valid.bodyTimeoutMs } : {}),
  });
  return Object.assign(provider, { settings: resolved });
}
