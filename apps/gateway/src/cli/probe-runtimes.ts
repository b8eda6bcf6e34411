import { LOCAL_RUNTIMES, type LocalRuntime, type LocalRuntimeId } from './local-runtimes.js';

/** A local runtime that answered, and the models it listed (empty when it listed none). */
export interface FoundRuntime {
  runtime: LocalRuntime;
  /** Where it answered; the provider's `baseURL` is this plus the runtime's `apiPath`. */
  origin: string;
  models: string[];
}

/** What `loom init` found on this machine. */
export interface Discovery {
  /** In `LOCAL_RUNTIMES` order. */
  runtimes: FoundRuntime[];
  /** `OPENAI_API_KEY` is set (its value is never kept). */
  openAIKey: boolean;
}

/** Options of `discoverRuntimes`. */
export interface DiscoveryOptions {
  /** Where to look for each runtime instead of its usual localhost port (tests, other hosts). */
  origins?: Partial<Record<LocalRuntimeId, string>>;
  /** Time limit of each request, ms; default 1 000. */
  timeoutMs?: number;
  /** Where `OPENAI_API_KEY` is looked for; default `process.env`. */
  environment?: NodeJS.ProcessEnv;
}

/** Answers JSON of a 2xx, or undefined for anything else (refused, timed out, not JSON). */
async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return await response.json();
  } catch {
    return undefined;
  }
}

async function answersHealth(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function names(list: unknown, key: 'name' | 'id'): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list
    .map((entry) => (typeof entry === 'object' && entry !== null ? entry[key] : undefined))
    .filter((name): name is string => typeof name === 'string' && name.length > 0);
}

/** Ollama names models `llama3.2:latest`; people (and `ollama pull`) write `llama3.2`. */
function withoutLatestTag(model: string): string {
  return model.endsWith(':latest') ? model.slice(0, -':latest'.length) : model;
}

/** The models a runtime at `origin` lists, or undefined when it is not there. */
async function probe(
  runtime: LocalRuntime,
  origin: string,
  timeoutMs: number,
): Promise<string[] | undefined> {
  if (runtime.signs === 'ollama-tags') {
    const tags = (await getJson(`${origin}/api/tags`, timeoutMs)) as { models?: unknown } | null;
    return names(tags?.models, 'name')?.map(withoutLatestTag);
  }
  const listing = getJson(`${origin}/v1/models`, timeoutMs) as Promise<{ data?: unknown } | null>;
  if (runtime.signs === 'openai-models') return names((await listing)?.data, 'id');
  const [list, healthy] = await Promise.all([
    listing,
    answersHealth(`${origin}/health`, timeoutMs),
  ]);
  return names(list?.data, 'id') ?? (healthy ? [] : undefined);
}

/**
 * Looks for every local runtime at once (each request bounded by `timeoutMs`, so a port that
 * accepts and never answers costs at most that) and for `OPENAI_API_KEY`.
 */
export async function discoverRuntimes(options: DiscoveryOptions = {}): Promise<Discovery> {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const environment = options.environment ?? process.env;
  const found = await Promise.all(
    LOCAL_RUNTIMES.map(async (runtime): Promise<FoundRuntime | undefined> => {
      const origin = (options.origins?.[runtime.id] ?? runtime.defaultOrigin).replace(/\/+$/, '');
      const models = await probe(runtime, origin, timeoutMs);
      return models === undefined ? undefined : { runtime, origin, models };
    }),
  );
  return {
    runtimes: found.filter((entry): entry is FoundRuntime => entry !== undefined),
    openAIKey: Boolean(environment.OPENAI_API_KEY),
  };
}
