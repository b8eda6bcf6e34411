// One contract for every limiter: the gateway calls `admit` before serving a request (an admitted
// request counts against `requestsPerMinute`) and `addTokens` once its usage is known. The
// in-memory limiter here and `@loom/redis`'s shared one implement it. It is written out here, not
// imported from @loom/redis, because that package is an optional peer: the gateway's published
// types must not need it.

/** Per-key limits; an absent one is not enforced. */
export interface RateLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** Admitted, or refused with how long to wait and which limit was hit. */
export type RateDecision =
  | { allowed: true }
  | { allowed: false; retryAfterMs: number; limit: 'requests' | 'tokens' };

/** What the gateway asks of a rate limiter. */
export interface RateLimiter {
  /** Counts one request for `key`; refuses when requests or tokens in the window are at the limit. */
  admit(key: string, limits: RateLimits): Promise<RateDecision> | RateDecision;
  /** Adds tokens a finished request used. */
  addTokens(key: string, tokens: number): Promise<void> | void;
}
