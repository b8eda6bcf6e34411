import { MalformedResponseError, type ModelInfo } from '@loom/core';
import { sendJson } from '@loom/provider-utils';
import type { OllamaHttp } from '../http/ollama-http.js';
import type { OllamaModelOverride } from '../settings/ollama-settings.js';
import { guessCapabilities } from './model-capabilities.js';
import { canonicalModelName, type ModelState, type RunningModel } from './model-state.js';

/** An `/api/tags` or `/api/ps` entry, as far as listing goes. */
interface ListedModel extends RunningModel {
  details?: { family?: unknown; families?: unknown; context_length?: unknown };
  capabilities?: unknown;
  context_length?: unknown;
}

/** The `models` array of an `/api/tags` or `/api/ps` answer; throws when there is none. */
export function modelsOf(body: unknown, path: string, provider: string): ListedModel[] {
  const models = (body as { models?: unknown } | null)?.models;
  if (models === null) return [];
  if (!Array.isArray(models)) {
    throw new MalformedResponseError({
      provider,
      message: `${path} answered without a "models" array`,
    });
  }
  return models.filter(
    (entry): entry is ListedModel => typeof entry === 'object' && entry !== null,
  );
}

function nameOf(entry: ListedModel): string | undefined {
  const name = typeof entry.name === 'string' && entry.name ? entry.name : entry.model;
  return typeof name === 'string' && name ? name : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : undefined;
}

/**
 * One `/api/tags` entry as `ModelInfo`: capabilities guessed (see model-capabilities.ts), the
 * context window from the entry's details or the running instance (`/api/ps` `context_length`),
 * and `settings.models` overriding both.
 */
export function toModelInfo(
  entry: ListedModel,
  running: ReadonlyMap<string, ListedModel> | undefined,
  override: OllamaModelOverride | undefined,
): ModelInfo | undefined {
  const id = nameOf(entry);
  if (!id) return undefined;
  const family = typeof entry.details?.family === 'string' ? entry.details.family : undefined;
  const families = strings(entry.details?.families);
  const capabilities = strings(entry.capabilities);
  const guessed = guessCapabilities({
    name: id,
    ...(family ? { family } : {}),
    ...(families ? { families } : {}),
    ...(capabilities ? { capabilities } : {}),
  });
  const live = running?.get(canonicalModelName(id));
  const contextWindow =
    override?.contextWindow ??
    positive(entry.details?.context_length) ??
    positive(entry.context_length) ??
    positive(live?.context_length);
  return {
    id,
    ...(contextWindow === undefined ? {} : { contextWindow }),
    ...(override?.maxOutputTokens === undefined
      ? {}
      : { maxOutputTokens: override.maxOutputTokens }),
    capabilities: { ...guessed, ...override?.capabilities },
    ...(running ? { loaded: live !== undefined } : {}),
  };
}

/** The override for a model id, matching `llama3.2` and `llama3.2:latest` alike. */
export function findOverride(
  overrides: Readonly<Record<string, OllamaModelOverride>>,
  id: string,
): OllamaModelOverride | undefined {
  const exact = overrides[id];
  if (exact) return exact;
  const canonical = canonicalModelName(id);
  const key = Object.keys(overrides).find((name) => canonicalModelName(name) === canonical);
  return key === undefined ? undefined : overrides[key];
}

/** Reads `/api/ps`; the caller decides what a failure means. */
export async function readRunning(http: OllamaHttp, signal: AbortSignal): Promise<ListedModel[]> {
  const body = await sendJson(http.warm, {
    method: 'GET',
    path: http.paths.ps,
    auth: http.get,
    signal,
  });
  return modelsOf(body, '/api/ps', http.warm.provider);
}

/** `GET /api/tags` (and `/api/ps` for `loaded`, best effort) as `ModelInfo`s. */
export async function listModels(options: {
  http: OllamaHttp;
  state: ModelState;
  overrides: Readonly<Record<string, OllamaModelOverride>>;
  signal: AbortSignal;
}): Promise<ModelInfo[]> {
  const { http, signal } = options;
  const [tags, running] = await Promise.all([
    sendJson(http.warm, { method: 'GET', path: http.paths.tags, auth: http.get, signal }),
    // Only `loaded` depends on /api/ps: a server that fails it still lists its models.
    readRunning(http, signal).catch(() => {
      if (signal.aborted) throw signal.reason;
      return undefined;
    }),
  ]);
  if (running) options.state.update(running);
  const byName = running
    ? new Map(
        running.flatMap((entry) => {
          const name = nameOf(entry);
          return name ? [[canonicalModelName(name), entry] as const] : [];
        }),
      )
    : undefined;
  return modelsOf(tags, '/api/tags', http.warm.provider)
    .map((entry) => {
      const id = nameOf(entry);
      return toModelInfo(entry, byName, id ? findOverride(options.overrides, id) : undefined);
    })
    .filter((model): model is ModelInfo => model !== undefined);
}
