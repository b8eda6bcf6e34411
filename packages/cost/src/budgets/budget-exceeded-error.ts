import { LoomError } from '@loom/core';
import { formatUsd, type Micros } from '../money/micros.js';

/** What a refused request or a cut stream reports. */
export interface BudgetExceededDetails {
  budget: string;
  scope: string;
  window: string;
  spentMicros: Micros;
  reservedMicros: Micros;
  limitMicros: Micros;
  requestedMicros: Micros;
  /** When the window resets, epoch ms; Infinity for a `total` budget. */
  resetsAt: number;
  now: number;
}

/** A `block` budget refused a request or cut a stream: 429 with Retry-After until the reset. */
export function budgetExceededError(details: BudgetExceededDetails): LoomError {
  const resets = Number.isFinite(details.resetsAt)
    ? `It resets at ${new Date(details.resetsAt).toISOString()}.`
    : 'It is a total budget and never resets: raise limitUsd to allow more.';
  return new LoomError({
    code: 'budget_exceeded',
    statusCode: 429,
    isRetryable: false,
    ...(Number.isFinite(details.resetsAt)
      ? { retryAfterMs: Math.max(0, details.resetsAt - details.now) }
      : {}),
    message:
      `Budget '${details.budget}' (${details.scope}, window ${details.window}) would be exceeded: ` +
      `spent ${formatUsd(details.spentMicros)} and ${formatUsd(details.reservedMicros)} reserved of ` +
      `${formatUsd(details.limitMicros)}, and this request may cost up to ${formatUsd(details.requestedMicros)}. ${resets}`,
  });
}

/** No price is known for any candidate and budgets are set to refuse unpriced models. */
export function unpricedModelError(models: readonly string[]): LoomError {
  return new LoomError({
    code: 'budget_unpriced_model',
    statusCode: 403,
    message: `No price is known for ${models.join(', ')}, and budgets apply to this request, so it was refused. Add a price under pricing.providers.<id>.models, or set unpricedModels: 'allow'.`,
  });
}
