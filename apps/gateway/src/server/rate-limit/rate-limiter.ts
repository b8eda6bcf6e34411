/** Per-minute ceilings of one gateway key; an absent field is not limited. */
export interface RateLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** The answer of `admit`: let the request in, or how long to wait and which limit was hit. */
export type RateDecision =
  | { allowed: true }
  | { allowed: false; retryAfterMs: number; limit: 'requests' | 'tokens' };

/**
 * Counts requests and tokens per key. The gateway calls `admit` before serving a request (an
 * admitted request counts against `requestsPerMinute`) and `addTokens` once its usage is known.
 * An in-memory implementation ships with the gateway; a shared one (Redis) has the same shape so
 * several gateways enforce one limit.
 */
export interface RateLimiter {
  admit(key: string, limits: RateLimits): Promise<RateDecision> | RateDecision;
  addTokens(key: string, tokens: number): Promise<void> | void;
}
