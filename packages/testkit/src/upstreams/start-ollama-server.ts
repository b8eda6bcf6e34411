import { LoadedModels } from './ollama/ollama-models.js';
import { createOllamaWire } from './ollama/ollama-wire.js';
import { startUpstream } from './server/start-upstream.js';
import { pacingOf } from './server/stream-writer.js';
import type { SimulatedBehaviour, SimulatedUpstream } from './simulated-upstream.js';

/** Options of `startOllamaServer`. */
export interface OllamaServerOptions extends SimulatedBehaviour {
  /**
   * Delay a model not in memory pays before its first token, ms; reported as `load_duration`
   * (ns). The model stays loaded afterwards (until `keep_alive` runs out). Default 0.
   */
  coldStartMs?: number;
  /** Models already in memory at start; default none (as a freshly started Ollama). */
  loaded?: string[];
  /** Leave out `prompt_eval_count` and `eval_count` (Ollama omits them at times). */
  omitCounts?: boolean;
  /** `GET /api/version`'s answer; default `0.12.6`. */
  version?: string;
  /** `context_length` reported by `/api/ps`; default 4096. */
  contextLength?: number;
  /** Vector length when `/api/embed` has no `dimensions`; default 768 (nomic-embed-text). */
  embeddingDimensions?: number;
}

/** A running Ollama simulator. */
export interface OllamaUpstream extends SimulatedUpstream {
  /** Loads (`true`) or unloads a model, as `ollama run` / `ollama stop` would. */
  setLoaded(model: string, loaded: boolean): void;
}

/** Models the Ollama simulator serves by default. */
export const OLLAMA_DEFAULT_MODELS = ['llama3.2', 'nomic-embed-text'] as const;

/**
 * Starts a simulated Ollama on 127.0.0.1 (`baseURL` is the origin): NDJSON chat streams, tool
 * calls with object arguments, `format`, embeddings, `/api/tags`, `/api/ps` with cold starts, and
 * Ollama's `{"error":"..."}` bodies, with fault injection and pacing. `/api/tags` lists models
 * as Ollama does, with a `:latest` tag (`llama3.2:latest`); requests may use either name.
 */
export async function startOllamaServer(
  options: OllamaServerOptions = {},
): Promise<OllamaUpstream> {
  const pacing = pacingOf(options);
  const loaded = new LoadedModels(options.loaded ?? []);
  const wire = createOllamaWire({
    models: options.models ?? [...OLLAMA_DEFAULT_MODELS],
    pacing,
    loaded,
    coldStartMs: options.coldStartMs ?? 0,
    omitCounts: options.omitCounts ?? false,
    version: options.version ?? '0.12.6',
    contextLength: options.contextLength ?? 4096,
    embeddingDimensions: options.embeddingDimensions ?? 768,
    apiKey: options.apiKey,
    reply: options.reply,
  });
  const upstream = await startUpstream({
    wire,
    latencyMs: pacing.latencyMs,
    baseURL: (origin) => origin,
  });
  return { ...upstream, setLoaded: (model, isLoaded) => loaded.set(model, isLoaded) };
}
