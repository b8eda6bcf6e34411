import { GatewayError } from '../../errors/gateway-error.js';
import type { RateLimiter, RateLimits } from './rate-limiter.js';

/** The limits that apply to a key: its own values, else the defaults, field by field. */
export function effectiveLimits(defaults: RateLimits, own: RateLimits = {}): RateLimits {
  const limits: RateLimits = {};
  const requests = own.requestsPerMinute ?? defaults.requestsPerMinute;
  const tokens = own.tokensPerMinute ?? defaults.tokensPerMinute;
  if (requests !== undefined) limits.requestsPerMinute = requests;
  if (tokens !== undefined) limits.tokensPerMinute = tokens;
  return limits;
}

/**
 * Asks the limiter whether the caller may send one more request; throws OpenAI's 429
 * `rate_limit_exceeded` with `Retry-After` (whole seconds, rounded up) when not.
 */
export async function admitRequest(
  limiter: RateLimiter,
  caller: { id: string; name: string },
  limits: RateLimits,
): Promise<void> {
  if (limits.requestsPerMinute === undefined && limits.tokensPerMinute === undefined) return;
  const decision = await limiter.admit(caller.id, limits);
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const ceiling =
    decision.limit === 'requests'
      ? `${limits.requestsPerMinute} requests per minute`
      : `${limits.tokensPerMinute} tokens per minute`;
  throw new GatewayError({
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    param: null,
    message: `Rate limit of ${ceiling} reached for gateway key '${caller.name}'; retry in ${seconds} s.`,
    retryAfterSeconds: seconds,
  });
}
