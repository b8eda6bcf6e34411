import { ConfigError, modelCapabilitiesSchema, redactSecrets } from '@loom/core';
import { parseSettings } from '@loom/provider-utils';
import { z } from 'zod';
import { DEFAULT_OLLAMA_URL, normalizeOllamaHost } from './normalize-host.js';
import type { OllamaSettings, ResolvedOllamaSettings } from './ollama-settings.js';
import { KEEP_ALIVE_PATTERN } from './parse-duration.js';

const milliseconds = z.number().int('must be whole milliseconds').positive('must be above 0');
const capabilities = modelCapabilitiesSchema;

/** The zod schema of `OllamaSettings`, with its defaults. */
export const ollamaSettingsSchema = z.strictObject({
  id: z.string().trim().min(1, 'must be a non-empty string').default('ollama'),
  baseURL: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  keepAlive: z
    .union([
      z.number().refine(Number.isFinite, 'must be a finite number of seconds'),
      z.string().regex(KEEP_ALIVE_PATTERN, "must be a duration such as '5m', '1h30m' or '300s'"),
    ])
    .optional(),
  models: z
    .record(
      z.string().min(1),
      z.strictObject({
        contextWindow: z.number().int().positive().optional(),
        maxOutputTokens: z.number().int().positive().optional(),
        capabilities: capabilities.optional(),
      }),
    )
    .default({}),
  connections: z.number().int().positive().default(32),
  keepAliveTimeoutMs: milliseconds.default(4_000),
  connectTimeoutMs: milliseconds.default(10_000),
  headersTimeoutMs: milliseconds.default(60_000),
  coldStartTimeoutMs: milliseconds.default(300_000),
  bodyTimeoutMs: milliseconds.default(30_000),
  dispatcher: z
    .custom<NonNullable<OllamaSettings['dispatcher']>>(
      (value) => typeof (value as { dispatch?: unknown } | null)?.dispatch === 'function',
      'must be an undici Dispatcher (Pool, Agent, ProxyAgent, ...)',
    )
    .optional(),
});

/** The settings plus what the base URL carried besides its address. */
export interface ResolvedSettingsWithAuth extends ResolvedOllamaSettings {
  /** `authorization` built from credentials in the URL, if it had any. */
  readonly urlAuthorization?: string;
}

function fail(path: string, message: string): never {
  throw new ConfigError({ source: 'createOllama', path, message });
}

function resolveBaseURL(configured: string | undefined, env: NodeJS.ProcessEnv) {
  const fromEnv = env.OLLAMA_HOST;
  const raw = configured ?? (fromEnv?.trim() ? fromEnv : undefined);
  if (raw === undefined) return { baseURL: DEFAULT_OLLAMA_URL };
  const normalized = normalizeOllamaHost(raw);
  const url = normalized === undefined ? undefined : new URL(normalized);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const shown = redactSecrets(raw.replace(/\/\/[^/@]*@/, '//[credentials]@'));
    fail(
      'baseURL',
      `baseURL (or OLLAMA_HOST) must be an http(s) URL or host[:port] such as http://127.0.0.1:11434; got '${shown}'.`,
    );
  }
  let urlAuthorization: string | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    urlAuthorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  url.search = '';
  url.hash = '';
  return { baseURL: url.href.replace(/\/+$/, ''), urlAuthorization };
}

/**
 * Validates `createOllama` settings once, fills in defaults (OLLAMA_HOST for the URL) and
 * freezes the result. A bad value throws a `ConfigError` naming the option.
 */
export function resolveOllamaSettings(
  settings: OllamaSettings = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSettingsWithAuth {
  const parsed = parseSettings(ollamaSettingsSchema, settings, 'createOllama');
  const { baseURL: configured, headers, models, ...rest } = parsed;
  const { baseURL, urlAuthorization } = resolveBaseURL(configured, env);
  const frozenModels = Object.fromEntries(
    Object.entries(models).map(([id, model]) => [id, Object.freeze({ ...model })]),
  );
  return Object.freeze({
    ...rest,
    baseURL,
    headers: Object.freeze({ ...headers }),
    models: Object.freeze(frozenModels),
    ...(urlAuthorization === undefined ? {} : { urlAuthorization }),
  });
}
