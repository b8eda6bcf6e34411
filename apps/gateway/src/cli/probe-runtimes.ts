import { LOCAL_RUNTIMES, type LocalRuntime, type LocalRuntimeId } from './local-runtimes.js';

/** A local runtime that answered, and the models it listed (empty when it listed none). */
export interface FoundRuntime {
  runtime: LocalRuntime;
  /** Where it answered; the provider's `baseURL` is this plus the runtime's `apiPath`. */
  origin: string;
  models: string[];
}

/** A runtime's port where something answered without the runtime's signs; not in the config. */
export interface UnrecognisedAnswer {
  runtime: LocalRuntime;
  origin: string;
}

/** What `loom init` found on this machine. */
export interface Discovery {
  /** In `LOCAL_RUNTIMES` order. */
  runtimes: FoundRuntime[];
  /** vLLM's and llama.cpp's ports taken by something else, in `LOCAL_RUNTIMES` order. */
  unrecognised: UnrecognisedAnswer[];
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

/** What answered at a runtime's origin. */
type Probe =
  | { kind: 'recognised'; models: string[] }
  | { kind: 'unrecognised' }
  | { kind: 'absent' };

/**
 * What vLLM and llama.cpp say on the wire that any dev server on :8000 or :8080 would not:
 * the `owned_by` of their `/v1/models` entries, and llama.cpp's `{"status":"ok"}` from `/health`
 * (vLLM's `/health` has an empty body, so a 2xx there proves nothing).
 */
const SIGNATURES: Partial<Record<LocalRuntimeId, { owner: string; healthStatus: boolean }>> = {
  vllm: { owner: 'vllm', healthStatus: false },
  llamacpp: { owner: 'llamacpp', healthStatus: true },
};

/** An HTTP answer: whether it was 2xx, and its body as JSON (undefined when it is not JSON). */
interface Answer {
  ok: boolean;
  json: unknown;
}

/** The answer to a GET, or undefined when nothing answered (refused, timed out). */
async function get(url: string, timeoutMs: number): Promise<Answer | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const json: unknown = await response.json().catch(() => undefined);
    return { ok: response.ok, json };
  } catch {
    return undefined;
  }
}

/** The `data` of a 2xx OpenAI model list, or undefined. */
function listed(answer: Answer | undefined): unknown[] | undefined {
  if (!answer?.ok) return undefined;
  const data = (answer.json as { data?: unknown } | null | undefined)?.data;
  return Array.isArray(data) ? data : undefined;
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

function found(models: string[] | undefined): Probe {
  return models === undefined ? { kind: 'absent' } : { kind: 'recognised', models };
}

/**
 * vLLM or llama.cpp: recognised by their `/v1/models` entries, or (llama.cpp, whose list can sit
 * behind `--api-key`) by `/health` answering `{"status":"ok"}` while no list says otherwise.
 */
async function probeSigned(
  origin: string,
  signature: { owner: string; healthStatus: boolean },
  timeoutMs: number,
): Promise<Probe> {
  const [listing, health] = await Promise.all([
    get(`${origin}/v1/models`, timeoutMs),
    signature.healthStatus ? get(`${origin}/health`, timeoutMs) : undefined,
  ]);
  const entries = listed(listing) ?? [];
  const owned = entries.filter(
    (entry) => (entry as { owned_by?: unknown } | null)?.owned_by === signature.owner,
  );
  if (owned.length > 0 && owned.length === entries.length) {
    return { kind: 'recognised', models: names(owned, 'id') ?? [] };
  }
  const healthy = (health?.json as { status?: unknown } | null | undefined)?.status === 'ok';
  if (health?.ok && healthy && entries.length === 0) return { kind: 'recognised', models: [] };
  return listing || health ? { kind: 'unrecognised' } : { kind: 'absent' };
}

/** What answers for `runtime` at `origin`. */
async function probe(runtime: LocalRuntime, origin: string, timeoutMs: number): Promise<Probe> {
  if (runtime.signs === 'ollama-tags') {
    const tags = await get(`${origin}/api/tags`, timeoutMs);
    const models = tags?.ok ? (tags.json as { models?: unknown } | null)?.models : undefined;
    return found(names(models, 'name')?.map(withoutLatestTag));
  }
  const signature = SIGNATURES[runtime.id];
  if (signature) return probeSigned(origin, signature, timeoutMs);
  return found(names(listed(await get(`${origin}/v1/models`, timeoutMs)), 'id'));
}

/** `:8000` on this machine, `host:8000` elsewhere. */
function place(origin: string): string {
  const url = new URL(origin);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return loopback ? `:${port}` : `${url.hostname}:${port}`;
}

/** `something answered on :8000 (not recognised as vLLM); not added`. */
export function unrecognisedNote(answer: UnrecognisedAnswer): string {
  return `something answered on ${place(answer.origin)} (not recognised as ${answer.runtime.name}); not added`;
}

/**
 * Looks for every local runtime at once (each request bounded by `timeoutMs`, so a port that
 * accepts and never answers costs at most that) and for `OPENAI_API_KEY`.
 */
export async function discoverRuntimes(options: DiscoveryOptions = {}): Promise<Discovery> {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const environment = options.environment ?? process.env;
  const probed = await Promise.all(
    LOCAL_RUNTIMES.map(async (runtime) => {
      const origin = (options.origins?.[runtime.id] ?? runtime.defaultOrigin).replace(/\/+$/, '');
      return { runtime, origin, probe: await probe(runtime, origin, timeoutMs) };
    }),
  );
  const discovery: Discovery = {
    runtimes: [],
    unrecognised: [],
    openAIKey: Boolean(environment.OPENAI_API_KEY),
  };
  for (const { runtime, origin, probe: outcome } of probed) {
    if (outcome.kind === 'recognised') {
      discovery.runtimes.push({ runtime, origin, models: outcome.models });
    } else if (outcome.kind === 'unrecognised') {
      discovery.unrecognised.push({ runtime, origin });
    }
  }
  return discovery;
}
