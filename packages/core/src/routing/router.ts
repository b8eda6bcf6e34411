import type { LoomError } from '../errors/loom-error.js';
import type { KernelEvents } from '../spec/plugin/v1/kernel-events.js';
import type { RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { HealthReport } from '../spec/provider/v1/health-report.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { ProviderStats, RouteExplanation } from './router-reports.js';

/** The previous attempt's outcome, given to `RoutePlan.next`. */
export interface AttemptFailure {
  /** Where it went. */
  deployment: Deployment;
  /** How it failed. */
  error: LoomError;
}

/** How an attempt ended, as reported to the router. */
export type AttemptOutcome =
  | { ok: true; durationMs: number; timeToFirstChunkMs?: number }
  | { ok: false; durationMs: number; error: LoomError }
  | { ok: 'cancelled'; durationMs: number };

/** One request's route: asked for a deployment before every attempt. */
export interface RoutePlan {
  /**
   * The deployment for the next attempt, or `undefined` to give up. May wait (backoff) before
   * answering; must then honour the request's abort.
   */
  next(failure?: AttemptFailure): Deployment | undefined | PromiseLike<Deployment | undefined>;
}

/** What the kernel gives a router when it starts. */
export interface RouterRuntime {
  providers: ReadonlyMap<string, ProviderV1>;
  emit<K extends keyof KernelEvents>(event: K, payload: KernelEvents[K]): void;
  /** Last active health report of a provider. */
  health(providerId: string): HealthReport | undefined;
  now(): number;
}

/**
 * Decides where each attempt of a request goes. The kernel owns the one retry loop and asks the
 * router's plan for the next deployment, and reports every attempt's start and end; swapping the
 * router changes strategy, retries, backoff and circuit breaking without touching the kernel.
 */
export interface Router {
  /** Plans one request over `context.candidates` (already narrowed by admission hooks). */
  plan(context: RequestContext): RoutePlan;
  /** Called once when the kernel starts. */
  attach?(runtime: RouterRuntime): void;
  onAttemptStart?(deployment: Deployment): void;
  onFirstChunk?(deployment: Deployment, timeToFirstChunkMs: number): void;
  onAttemptEnd?(deployment: Deployment, outcome: AttemptOutcome): void;
  /** Per-deployment statistics. */
  stats?(): ProviderStats;
  /** A dry run: how `context` would be routed, and why. */
  explain?(context: RequestContext): RouteExplanation;
  /** Stops background work. */
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
 * The simplest router: candidates in configured order; the next one is tried when an attempt
 * fails with a retryable error. No breakers, no backoff; `createRouter()` is the full one.
 */
export function createFailoverRouter(): Router {
  return { plan: (context) => new FailoverPlan(context.candidates) };
}
