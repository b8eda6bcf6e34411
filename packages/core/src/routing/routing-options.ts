import type { CircuitBreakerOptions } from './circuit-breaker.js';
import type { RetryBudgetOptions } from './retry-budget.js';
import type { StrategyName } from './strategies.js';

/** How the default router ranks, retries and protects deployments. Every field is optional. */
export interface RoutingOptions {
  /** Ranking strategy; default `priority` (configured order). A request's `priority` overrides it. */
  strategy?: StrategyName;
  /**
   * Retries of a deployment this request already tried (after backoff), across all deployments;
   * default 2. The first try of each untried healthy deployment is failover, not a retry: it is
   * never refused by this limit or the retry budget, so a request fails only when no such
   * deployment is left.
   */
  retries?: number;
  /** First backoff before retrying a deployment that already failed, ms (full jitter); default 128. */
  initialBackoffMs?: number;
  /** Longest backoff, ms; default 5 000. */
  maxBackoffMs?: number;
  /** Longest Retry-After the router waits for; longer means fail over or answer now; default 60 000. */
  retryAfterCapMs?: number;
  /** How long a deployment rests after 401 / 403 / 404 model, ms; default 60 000. */
  authCooldownMs?: number;
  /** How long a deployment rests after `insufficient_quota`, ms; default 300 000. */
  quotaCooldownMs?: number;
  /** Per-deployment circuit breakers. */
  circuitBreaker?: CircuitBreakerOptions;
  /** The retry budget shared by all requests of this router. */
  retryBudget?: RetryBudgetOptions;
  /**
   * How often a deployment kept away only by its provider's health check (`down`) gets one real
   * request when no other candidate can take it, ms; default 5 000. One success marks the
   * provider up at once: a probe can be wrong, and traffic decides.
   */
  trafficProbeIntervalMs?: number;
  /**
   * When every candidate is unhealthy, try them anyway instead of failing fast (Envoy's panic
   * threshold, all or nothing); default false.
   */
  panicMode?: boolean;
  /** How often a provider's `doLoad` may be polled, ms; default 1 000. */
  loadIntervalMs?: number;
  /**
   * Latency a deployment is assumed to have before it has served anything, by deployment id
   * (`provider/model`), e.g. from a benchmark results file; real samples replace it.
   */
  latencyPriors?: Readonly<Record<string, LatencyPrior>>;
  /**
   * Most deployments whose state the router keeps; default 10 000. With `defaultProvider`, any
   * model name is a deployment: past the cap the longest-idle ones are forgotten.
   */
  maxTrackedDeployments?: number;
}

/** A deployment's assumed latency before it has samples. */
export interface LatencyPrior {
  /** Typical whole-request latency, ms. */
  latencyMs: number;
  /** Typical time to the first streamed chunk, ms. */
  timeToFirstChunkMs?: number;
}

type Optional = 'circuitBreaker' | 'retryBudget' | 'latencyPriors';

/** Routing options with every default filled in. */
export type ResolvedRoutingOptions = RoutingOptions & Required<Omit<RoutingOptions, Optional>>;

export const routingDefaults: Required<Omit<RoutingOptions, Optional>> = {
  strategy: 'priority',
  retries: 2,
  initialBackoffMs: 128,
  maxBackoffMs: 5_000,
  retryAfterCapMs: 60_000,
  authCooldownMs: 60_000,
  quotaCooldownMs: 300_000,
  trafficProbeIntervalMs: 5_000,
  panicMode: false,
  loadIntervalMs: 1_000,
  maxTrackedDeployments: 10_000,
};
