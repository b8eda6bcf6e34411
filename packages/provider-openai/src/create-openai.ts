import type { ProviderV1 } from '@loom/core';
import { parseSettings } from '@loom/provider-utils';
import { createOpenAICompatibleProvider } from './compatible/create-openai-compatible-provider.js';
import type { ApiKeySource } from './compatible/openai-compatible-config.js';
import {
  type OpenAISettings,
  openAISettingsSchema,
  type ResolvedOpenAISettings,
} from './openai-settings.js';

/** A provider for OpenAI or an OpenAI-compatible server, with the settings it runs with. */
export interface OpenAIProvider extends ProviderV1 {
  /** Validated, frozen settings (without the API key, headers or dispatcher). */
  readonly settings: ResolvedOpenAISettings;
}

/** What differs between `createOpenAI` and its presets. */
interface Preset {
  source: string;
  id: string;
  baseURL: string;
  environment: Partial<Record<'baseURL' | 'apiKey', string>>;
}

const OPENAI_HOST = 'api.openai.com';

function apiKeySource(settings: OpenAISettings, variable: string | undefined): ApiKeySource {
  const { apiKey } = settings;
  if (typeof apiKey === 'function') return apiKey;
  if (typeof apiKey === 'string') return () => apiKey;
  // Read at call time, never at construction: a default instance has no side effects.
  return variable ? () => process.env[variable] || undefined : () => undefined;
}

function build(input: OpenAISettings | undefined, preset: Preset): OpenAIProvider {
  const environment = preset.environment;
  const fromEnvironment = environment.baseURL ? process.env[environment.baseURL] : undefined;
  const settings = parseSettings(
    openAISettingsSchema,
    { ...input, baseURL: input?.baseURL ?? (fromEnvironment || preset.baseURL) },
    preset.source,
    environment,
  ) as OpenAISettings & { baseURL: string };
  const { apiKey: _secret, headers: extraHeaders, dispatcher, ...visible } = settings;
  const baseURL = settings.baseURL.replace(/\/+$/, '');
  const isOpenAI = new URL(baseURL).hostname === OPENAI_HOST;
  const resolved: ResolvedOpenAISettings = Object.freeze({
    ...visible,
    id: settings.id ?? preset.id,
    baseURL,
    connections: settings.connections ?? 64,
    headersTimeoutMs: settings.headersTimeoutMs ?? 60_000,
    bodyTimeoutMs: settings.bodyTimeoutMs ?? 30_000,
    maxTokensField: settings.maxTokensField ?? (isOpenAI ? 'max_completion_tokens' : 'max_tokens'),
  });
  const headers: Record<string, string> = { ...extraHeaders };
  if (settings.organization) headers['openai-organization'] = settings.organization;
  if (settings.project) headers['openai-project'] = settings.project;
  const keyOption = environment.apiKey ? `apiKey (or ${environment.apiKey})` : 'apiKey';
  const provider = createOpenAICompatibleProvider({
    id: resolved.id,
    type: 'openai',
    baseURL,
    apiKey: apiKeySource(settings, environment.apiKey),
    headers,
    connections: resolved.connections,
    headersTimeoutMs: resolved.headersTimeoutMs,
    bodyTimeoutMs: resolved.bodyTimeoutMs,
    maxTokensField: resolved.maxTokensField,
    ...(settings.keepAliveTimeoutMs ? { keepAliveTimeoutMs: settings.keepAliveTimeoutMs } : {}),
    ...(settings.connectTimeoutMs ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
    ...(settings.models ? { models: settings.models } : {}),
    ...(dispatcher ? { dispatcher } : {}),
    ...(isOpenAI ? { requiredApiKeyOption: keyOption } : {}),
  });
  return Object.assign(provider, { settings: resolved });
}

/**
 * Creates a provider for OpenAI's API or any OpenAI-compatible server (llama.cpp, Groq, vLLM's
 * API, ...). Settings are validated once here; a bad one throws a `ConfigError` naming the
 * option and its environment variable. The key is read lazily, at call time.
 */
export function createOpenAI(settings?: OpenAISettings): OpenAIProvider {
  return build(settings, {
    source: 'createOpenAI',
    id: 'openai',
    baseURL: 'https://api.openai.com/v1',
    environment: { baseURL: 'OPENAI_BASE_URL', apiKey: 'OPENAI_API_KEY' },
  });
}

/**
 * A provider for LM Studio's local server (`http://127.0.0.1:1234/v1`, id `lmstudio`, no key
 * unless `apiKey` is given; the OpenAI environment variables are not read).
 */
export function lmStudio(settings?: OpenAISettings): OpenAIProvider {
  return build(settings, {
    source: 'lmStudio',
    id: 'lmstudio',
    baseURL: 'http://127.0.0.1:1234/v1',
    environment: {},
  });
}
