import { LoomError } from '@loom/core';

/**
 * Counters kept in memory start from the ledger; while the ledger cannot be read, a `block`
 * budget's counter cannot be started and the request is refused with 503.
 */
export function budgetSeedUnavailableError(key: string, cause: unknown): LoomError {
  return new LoomError({
    code: 'budget_unavailable',
    statusCode: 503,
    isRetryable: false,
    retryAfterMs: 1000,
    message:
      `Budgets cannot be checked: the spend of budget counter '${key}' could not be read from the ` +
      `cost ledger, which this gateway's budget counters start from. Requests under a 'block' ` +
      'budget are refused until the ledger answers; retry shortly.',
    cause,
  });
}
