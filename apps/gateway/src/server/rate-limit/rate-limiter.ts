// One contract for every limiter: the gateway calls `admit` before serving a request (an admitted
// request counts against `requestsPerMinute`) and `addTokens` once its usage is known. The
// in-memory limiter here and `@loom/redis`'s shared one implement it; it is defined once, there,
// and only its types are imported (nothing of @loom/redis loads with the gateway).
export type { RateDecision, RateLimiter, RateLimits } from '@loom/redis';
