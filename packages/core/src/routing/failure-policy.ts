import type { LoomError } from '../errors/loom-error.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { RoutingOptions } from './routing-options.js';

/** What a failed attempt means for routing, per ../shared/RELIABILITY.md. */
export interface FailureAction {
  /** Give up: the error goes back to the caller unchanged. */
  stop: boolean;
  /** Counts toward the deployment's circuit breaker. */
  tripsBreaker: boolean;
  /** Rest the deployment this long (ms from now). */
  cooldownMs?: number;
  /** The same deployment may be tried again (after backoff). */
  retrySame: boolean;
  /** Only deployments with a larger context window than this may be tried next. */
  needsContextAbove?: number;
  /** Wait at least this long before trying this deployment again (Retry-After). */
  waitMs?: number;
}

const STOP: FailureAction = { stop: true, tripsBreaker: false, retrySame: false };

/** Classifies one failure. */
export function failureAction(
  error: LoomError,
  deployment: Deployment,
  options: Required<Pick<RoutingOptions, 'authCooldownMs' | 'quotaCooldownMs'>>,
): FailureAction {
  switch (error.code) {
    case 'context_length_exceeded':
      // Only a larger window can help; without a known window there is nothing to compare.
      return deployment.contextWindow === undefined
        ? STOP
        : {
            stop: false,
            tripsBreaker: false,
            retrySame: false,
            needsContextAbove: deployment.contextWindow,
          };
    case 'authentication_failed':
    case 'permission_denied':
    case 'model_not_found':
      return {
        stop: false,
        tripsBreaker: false,
        retrySame: false,
        cooldownMs: options.authCooldownMs,
      };
    case 'insufficient_quota':
      return {
        stop: false,
        tripsBreaker: false,
        retrySame: false,
        cooldownMs: options.quotaCooldownMs,
      };
    case 'rate_limited':
      return {
        stop: false,
        tripsBreaker: false,
        retrySame: true,
        cooldownMs: error.retryAfterMs ?? 1_000,
        waitMs: error.retryAfterMs,
      };
    default:
      if (!error.isRetryable) return STOP;
      return { stop: false, tripsBreaker: true, retrySame: true, waitMs: error.retryAfterMs };
  }
}

/** AWS "full jitter": a random wait up to the capped exponential. */
export function backoffMs(retry: number, initialMs: number, maxMs: number): number {
  return Math.random() * Math.min(maxMs, initialMs * 2 ** retry);
}
