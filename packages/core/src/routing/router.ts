import type { LoomError } from '../errors/loom-error.js';
import type { RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { Deployment } from '../spec/routing/deployment.js';

/** The previous attempt's outcome, given to `RoutePlan.next`. */
export interface AttemptFailure {
  /** Where it went. */
  deployment: Deployment;
  /** How it failed. */
  error: LoomError;
}

/** One request's route: asked for a deployment before every attempt. */
export interface RoutePlan {
  /**
   * The deployment for the next attempt, or `undefined` to give up. May wait (backoff) before
   * answering; must then honour `context.signal`.
   */
  next(failure?: AttemptFailure): Deployment | undefined | PromiseLike<Deployment | undefined>;
}

/**
 * Decides where each attempt of a request goes. The kernel owns the one retry loop and asks the
 * router's plan for the next deployment; swapping the router changes strategy, retries, backoff
 * and circuit breaking without touching the kernel.
 */
export interface Router {
  /** Plans one request over `context.candidates` (already narrowed by admission hooks). */
  plan(context: RequestContext): RoutePlan;
  /** Stops background work (health probes, timers). */
  close?(): void | PromiseLike<void>;
}

class FailoverPlan implements RoutePlan {
  private index = 0;
  constructor(private readonly candidates: readonly Deployment[]) {}

  next(failure?: AttemptFailure): Deployment | undefined {
    if (failure && !failure.error.isRetryable) return undefined;
    return this.candidates[this.index++];
  }
}

/**
 * The default router: candidates in configured order; the next one is tried when an attempt
 * fails with a retryable error; a non-retryable error ends the request at once.
 */
export function createFailoverRouter(): Router {
  return { plan: (context) => new FailoverPlan(context.candidates) };
}
