import { LoomError } from '@loom/core';

/**
 * Redis is unreachable and the store fails closed: a `block` budget cannot be checked, so the
 * request is refused with 503 (the gateway answers it in OpenAI's error shape).
 */
export function budgetUnavailableError(prefix: string, cause?: unknown): LoomError {
  return new LoomError({
    code: 'budget_unavailable',
    statusCode: 503,
    isRetryable: false,
    retryAfterMs: 1000,
    message:
      `Budgets cannot be checked: the Redis budget store (keys '${prefix}...') is unreachable, ` +
      `and requests under a 'block' budget are refused while it is down (onUnavailable: 'closed'). ` +
      `Retry shortly, or set onUnavailable: 'open' (storage.redisUnavailable: open) to admit and count on this node.`,
    ...(cause === undefined ? {} : { cause }),
  });
}
