/** One entry of `GET /api/ps`, as far as loading goes. */
export interface RunningModel {
  name?: unknown;
  model?: unknown;
  expires_at?: unknown;
}

/** Ollama's default keep-alive: a model stays loaded this long after its last request. */
export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;

/** `llama3.2` and `llama3.2:latest` are the same model to Ollama. */
export function canonicalModelName(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? name : `${name}:latest`;
}

/**
 * Which models the server has loaded, from the last `/api/ps` reading plus what answers showed
 * since (an answer means the model is loaded now, until its keep-alive runs out). Used to pick
 * the first-token limit: a model that must be loaded first gets `coldStartTimeoutMs`.
 */
export class ModelState {
  private readonly expiresAt = new Map<string, number>();
  private readAt: number | undefined;

  /** Replaces what is known with an `/api/ps` reading. */
  update(running: readonly RunningModel[], now = Date.now()): void {
    this.expiresAt.clear();
    this.readAt = now;
    for (const entry of running) {
      const name = typeof entry.name === 'string' ? entry.name : entry.model;
      if (typeof name !== 'string' || name === '') continue;
      const parsed =
        typeof entry.expires_at === 'string' ? Date.parse(entry.expires_at) : Number.NaN;
      // Listed without a readable expiry: loaded until a reading says otherwise. A past expiry
      // means it is being unloaded, so the next request pays a load.
      const expiry = Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
      this.expiresAt.set(canonicalModelName(name), expiry);
    }
  }

  /** Records that `model` answered, so it stays loaded for `keepAliveMs` from now. */
  markLoaded(model: string, keepAliveMs = DEFAULT_KEEP_ALIVE_MS, now = Date.now()): void {
    this.expiresAt.set(canonicalModelName(model), now + keepAliveMs);
  }

  /** True or false when known, undefined before any reading or answer for this model. */
  isLoaded(model: string, now = Date.now()): boolean | undefined {
    const expiry = this.expiresAt.get(canonicalModelName(model));
    if (expiry !== undefined) return expiry > now;
    return this.readAt === undefined ? undefined : false;
  }
}
