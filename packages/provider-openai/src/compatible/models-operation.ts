import type { HealthReport, ModelInfo } from '@loom/core';
import { isRecord, probeHealth, sendJson } from '@loom/provider-utils';
import type { CompatibleRuntime } from './compatible-runtime.js';
import type { ModelOverrides } from './openai-compatible-config.js';

// `/models` says nothing about what a model can do; its id is the only hint there is.
const EMBEDDING_ID = /embed|bge|e5-|gte-|minilm/i;

// vLLM reports `max_model_len`, OpenRouter-style servers `context_length`.
function contextWindowOf(entry: Record<string, unknown>): number | undefined {
  const value = entry.max_model_len ?? entry.context_length;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function describeModel(
  id: string,
  entry: Record<string, unknown>,
  overrides: ModelOverrides | undefined,
): ModelInfo {
  const guessed: ModelInfo = {
    id,
    capabilities: EMBEDDING_ID.test(id) ? { embeddings: true } : { chat: true, streaming: true },
  };
  const contextWindow = contextWindowOf(entry);
  if (contextWindow !== undefined) guessed.contextWindow = contextWindow;
  if (typeof entry.owned_by === 'string' && entry.owned_by !== '') guessed.ownedBy = entry.owned_by;
  const override = overrides?.[id];
  if (!override) return guessed;
  return {
    ...guessed,
    ...override,
    id,
    capabilities: { ...guessed.capabilities, ...override.capabilities },
  };
}

/** Maps a `/models` list, enriched by the configured overrides. */
export function mapModelList(body: unknown, overrides: ModelOverrides | undefined): ModelInfo[] {
  const data = isRecord(body) && Array.isArray(body.data) ? body.data : [];
  const models: ModelInfo[] = [];
  for (const entry of data) {
    if (isRecord(entry) && typeof entry.id === 'string' && entry.id !== '') {
      models.push(describeModel(entry.id, entry, overrides));
    }
  }
  return models;
}

/** `doListModels`: `GET /models`. */
export async function listModels(
  runtime: CompatibleRuntime,
  signal: AbortSignal,
): Promise<ModelInfo[]> {
  signal.throwIfAborted();
  const auth = await runtime.auth();
  const json = await sendJson(runtime.client, {
    method: 'GET',
    path: runtime.paths.models,
    auth,
    signal,
  });
  return mapModelList(json, runtime.models);
}

/**
 * The default `doHealth`: `GET /models` answers (up) or not (down, with the reason); an upstream
 * without that endpoint (several proxies and minimal servers) is `degraded`: health unknown,
 * traffic decides. Rejects only when the caller's signal fired.
 */
export function checkHealth(
  runtime: CompatibleRuntime,
  signal: AbortSignal,
): Promise<HealthReport> {
  return probeHealth(() => listModels(runtime, signal), {
    signal,
    what: `GET ${runtime.paths.models}`,
  });
}
