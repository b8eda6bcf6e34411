import { type HealthReport, LoomError, type ModelInfo, ProviderCallError } from '@loom/core';
import type { CompatibleRuntime } from './compatible-runtime.js';
import { isRecord } from './guards.js';
import type { ModelOverrides } from './openai-compatible-config.js';
import { safeText } from './redact.js';
import { sendJson } from './send-json.js';

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
  const json = await sendJson(runtime, auth, { method: 'GET', path: runtime.paths.models, signal });
  return mapModelList(json, runtime.models);
}

/** Statuses that say "this upstream has no such endpoint", not "this upstream is down". */
const UNSUPPORTED_PROBE = new Set([404, 405, 501]);

/**
 * The default `doHealth`: `GET /models` answers (up) or not (down, with the reason). An upstream
 * without that endpoint (404 / 405 / 501: several proxies and minimal servers) is not down: its
 * health is unknown and traffic decides. HealthStatus v1 has no `unknown`, so it reports
 * `degraded` (answering, but only partly: no model list), which routes like `up`, with the
 * reason. Rejects only when the caller's signal fired.
 */
export async function checkHealth(
  runtime: CompatibleRuntime,
  signal: AbortSignal,
): Promise<HealthReport> {
  signal.throwIfAborted();
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    await listModels(runtime, signal);
    return { status: 'up', checkedAt: Date.now(), latencyMs: latencyMs() };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (ProviderCallError.isInstance(error) && UNSUPPORTED_PROBE.has(error.upstreamStatus ?? 0)) {
      const message = `GET ${runtime.paths.models} answered ${error.upstreamStatus}: this upstream has no model list, so its health is unknown; requests decide.`;
      return { status: 'degraded', checkedAt: Date.now(), latencyMs: latencyMs(), message };
    }
    const message = LoomError.isInstance(error) ? error.message : safeText(String(error), []);
    return { status: 'down', checkedAt: Date.now(), latencyMs: latencyMs(), message };
  }
}
