import type { Alert } from '../../alert-sink/v1/alert.js';
import type { FinishReason } from '../../chat/finish-reason.js';
import type { Metric } from '../../collector/v1/metric.js';
import type { HealthReport, HealthStatus } from '../../provider/v1/health-report.js';
import type { Deployment } from '../../routing/deployment.js';
import type { Usage } from '../../shared/usage.js';
import type { LoomErrorLike } from './loom-error-like.js';

/** The kinds of request the kernel serves. */
export type Operation = 'chat' | 'stream' | 'embed';

/** Fields every request-scoped event carries. */
export interface RequestEventBase {
  /** Kernel request id. */
  requestId: string;
  /** What kind of request. */
  operation: Operation;
  /** When the event happened, epoch milliseconds. */
  timestamp: number;
}

/** Fields every attempt-scoped event carries. */
export interface AttemptEventBase extends RequestEventBase {
  /** Attempt number, from 1. */
  attempt: number;
  /** Where the attempt went. */
  deployment: Deployment;
}

/** A circuit breaker changed state. */
export interface CircuitEvent {
  /** The deployment whose breaker changed. */
  deployment: Deployment;
  /** Why, in words. */
  reason: string;
  /** When, epoch milliseconds. */
  timestamp: number;
}

/** A budget crossed a threshold or its limit. */
export interface BudgetEvent {
  /** Budget name from config. */
  budget: string;
  /** Scope the counter belongs to (`global`, `provider:openai`, `tag:team=search`). */
  scope: string;
  /** Spent in the current window, integer micro-dollars. */
  spentMicros: number;
  /** The limit, integer micro-dollars. */
  limitMicros: number;
  /** The fraction crossed (0.8), for thresholds. */
  threshold?: number;
  /** The request that crossed it, when one did. */
  requestId?: string;
  /** When, epoch milliseconds. */
  timestamp: number;
}

/**
 * A request cost more on a budget counter than admission (and any stream extension) reserved for
 * it: the input estimate was too low, the upstream reported more than asked for, or retries each
 * billed. The counter took the whole cost, so it may now stand over its limit.
 */
export interface BudgetOverReservationEvent {
  /** Budget name from config. */
  budget: string;
  /** Scope of the counter (`global`, `provider:openai`, `tag:team=search`). */
  scope: string;
  /** What was reserved on the counter for the request, integer micro-dollars. */
  reservedMicros: number;
  /** What the request's attempts cost on the counter, integer micro-dollars. */
  actualMicros: number;
  /** The request. */
  requestId: string;
  /** When it was reconciled, epoch milliseconds. */
  timestamp: number;
}

/**
 * Every event the kernel and its plugins emit, with its payload. Listeners run synchronously on
 * the request path: keep them cheap and push heavy work to a queue. A listener that throws is
 * reported as `listener:error` and does not fail the request.
 */
export interface KernelEvents {
  /** The kernel finished starting. */
  'kernel:start': { timestamp: number };
  /** The kernel stopped; `abandoned` requests were aborted at the drain deadline. */
  'kernel:stop': { timestamp: number; drained: boolean; abandoned: number };
  /** A request passed validation and is about to run its hooks. */
  'request:start': RequestEventBase & { model: string; metadata?: Record<string, unknown> };
  /** An attempt is being sent to a deployment. */
  'attempt:start': AttemptEventBase;
  /** A streamed attempt produced its first chunk. */
  'attempt:first-chunk': AttemptEventBase & { timeToFirstChunkMs: number };
  /** An attempt succeeded. */
  'attempt:end': AttemptEventBase & {
    durationMs: number;
    usage?: Usage;
    finishReason?: FinishReason;
    timeToFirstChunkMs?: number;
  };
  /** An attempt failed; `usage` is what it consumed before failing, when known. */
  'attempt:error': AttemptEventBase & { durationMs: number; error: LoomErrorLike; usage?: Usage };
  /** The request finished, successfully or not. */
  'request:end': RequestEventBase & {
    model: string;
    outcome: 'success' | 'error';
    durationMs: number;
    attempts: number;
    deployment?: Deployment;
    usage?: Usage;
    error?: LoomErrorLike;
  };
  /**
   * The response cache was consulted. A hit answers without routing, so it has no `request:*` or
   * `attempt:*` events; this is the only place hits are seen.
   */
  'cache:lookup': {
    operation: 'chat' | 'stream';
    model: string;
    hit: boolean;
    /** The id of the answer served from cache; absent on a miss (the request gets its own id). */
    requestId?: string;
    /** Where the cached answer was first served; on hits only. */
    deployment?: Deployment;
    timestamp: number;
  };
  /** An active health check finished. */
  'provider:health': { providerId: string; report: HealthReport; previous?: HealthStatus };
  /** A breaker opened: the deployment gets no traffic for a while. */
  'circuit:open': CircuitEvent;
  /** A breaker lets probe requests through. */
  'circuit:half-open': CircuitEvent;
  /** A breaker closed: the deployment is healthy again. */
  'circuit:close': CircuitEvent;
  /**
   * A cost plugin priced an attempt (successful or not). Collectors, benchmarks and the gateway read
   * cost from here without depending on the cost plugin.
   */
  'cost:recorded': AttemptEventBase & {
    /** Integer micro-dollars; 0 when `unpriced`. */
    costMicros: number;
    /** No price was known for this deployment: the cost is unknown, not zero. */
    unpriced: boolean;
    inputTokens: number;
    outputTokens: number;
    /** Some count was estimated rather than reported by the upstream. */
    estimated: boolean;
    /** The request's metadata (session, user, tags), when it had any. */
    metadata?: Record<string, unknown>;
  };
  /** A budget crossed a threshold (once per window). */
  'budget:threshold': BudgetEvent;
  /** A request was refused, or a stream cut, by a budget. */
  'budget:exceeded': BudgetEvent;
  /** A request cost more than its budget reservation. */
  'budget:over-reservation': BudgetOverReservationEvent;
  /** An alert started firing. */
  'alert:firing': Alert;
  /** An alert resolved. */
  'alert:resolved': Alert;
  /** A sink failed to deliver an alert after its retries. */
  'alert:delivery-failed': { sink: string; alert: Alert; error: unknown; attempts: number };
  /** Metrics emitted by collectors. */
  metric: readonly Metric[];
  /** An event listener or a plugin's background task threw. */
  'listener:error': { event: string; error: unknown };
}

/** Subscribe to kernel events. */
export interface KernelEventSource {
  /** Adds a listener. */
  on<K extends keyof KernelEvents>(event: K, listener: (payload: KernelEvents[K]) => void): unknown;
  /** Adds a listener that runs once. */
  once<K extends keyof KernelEvents>(
    event: K,
    listener: (payload: KernelEvents[K]) => void,
  ): unknown;
  /** Removes a listener. */
  off<K extends keyof KernelEvents>(
    event: K,
    listener: (payload: KernelEvents[K]) => void,
  ): unknown;
}
