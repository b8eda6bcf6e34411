import type { RateDecision, RateLimiter, RateLimits } from './rate-limiter.js';

/** Options of `createMemoryRateLimiter`. */
export interface MemoryRateLimiterOptions {
  /** The period the limits are per, ms; default 60 000 (per minute). */
  windowMs?: number;
  /** Clock, epoch ms (tests inject one). */
  now?: () => number;
}

/** The in-memory limiter: synchronous, and it can say how many keys it tracks. */
export interface MemoryRateLimiter extends RateLimiter {
  admit(key: string, limits: RateLimits): RateDecision;
  addTokens(key: string, tokens: number): void;
  /** Keys currently tracked (for tests and metrics). */
  readonly size: number;
}

/** A bucket that refills `capacity` per window, evenly; its level may go below 0 (token debt). */
interface Bucket {
  capacity: number;
  level: number;
  at: number;
}

interface KeyState {
  requests?: Bucket;
  tokens?: Bucket;
}

function refill(bucket: Bucket, capacity: number, now: number, windowMs: number): void {
  const elapsed = Math.max(0, now - bucket.at);
  bucket.capacity = capacity;
  bucket.level = Math.min(capacity, bucket.level + (elapsed * capacity) / windowMs);
  bucket.at = now;
}

/** Milliseconds until `bucket` holds one whole unit again. */
function waitForOne(bucket: Bucket, windowMs: number): number {
  return Math.max(1, Math.ceil(((1 - bucket.level) * windowMs) / bucket.capacity));
}

function isFull(bucket: Bucket | undefined, now: number, windowMs: number): boolean {
  if (!bucket) return true;
  const regained = (Math.max(0, now - bucket.at) * bucket.capacity) / windowMs;
  return bucket.level + regained >= bucket.capacity;
}

/**
 * Per-key limits on requests and tokens per minute, in process memory. Each limit is a token
 * bucket holding one minute's allowance and refilling evenly, so a key can burst its allowance
 * and is then held to the steady rate; `Retry-After` is exact (when one more unit is back).
 * Tokens are only known after an answer, so they are taken as debt: a key that overspent waits
 * until its bucket is positive again. Keys whose buckets have refilled are dropped, so memory
 * follows the keys active in the last window, not every key ever seen.
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): MemoryRateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const states = new Map<string, KeyState>();
  let lastSweep = now();

  const sweep = (time: number) => {
    if (time - lastSweep < windowMs) return;
    lastSweep = time;
    for (const [key, state] of states) {
      if (isFull(state.requests, time, windowMs) && isFull(state.tokens, time, windowMs)) {
        states.delete(key);
      }
    }
  };

  const bucketOf = (state: KeyState, kind: keyof KeyState, capacity: number, time: number) => {
    const existing = state[kind];
    if (existing) {
      refill(existing, capacity, time, windowMs);
      return existing;
    }
    const created: Bucket = { capacity, level: capacity, at: time };
    state[kind] = created;
    return created;
  };

  return {
    get size() {
      return states.size;
    },
    admit(key: string, limits: RateLimits): RateDecision {
      const time = now();
      sweep(time);
      if (!limits.requestsPerMinute && !limits.tokensPerMinute) return { allowed: true };
      const state = states.get(key) ?? {};
      states.set(key, state);
      if (limits.tokensPerMinute) {
        const tokens = bucketOf(state, 'tokens', limits.tokensPerMinute, time);
        if (tokens.level < 1) {
          return { allowed: false, retryAfterMs: waitForOne(tokens, windowMs), limit: 'tokens' };
        }
      }
      if (limits.requestsPerMinute) {
        const requests = bucketOf(state, 'requests', limits.requestsPerMinute, time);
        if (requests.level < 1) {
          return {
            allowed: false,
            retryAfterMs: waitForOne(requests, windowMs),
            limit: 'requests',
          };
        }
        requests.level -= 1;
      }
      return { allowed: true };
    },
    addTokens(key: string, tokens: number): void {
      const bucket = states.get(key)?.tokens;
      if (!bucket || !(tokens > 0)) return;
      refill(bucket, bucket.capacity, now(), windowMs);
      bucket.level -= tokens;
    },
  };
}
