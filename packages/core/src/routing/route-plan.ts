import { NoHealthyProviderError } from '../errors/no-healthy-provider-error.js';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import type { RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { Deployment } from '../spec/routing/deployment.js';
import { backoffMs, type FailureAction, failureAction } from './failure-policy.js';
import type { AttemptFailure, RoutePlan } from './router.js';
import type { SmartRouter } from './smart-router.js';

/**
 * Waits `ms`, or rejects with the request's abort reason as soon as it aborts. Only retries wait,
 * so making the request's signal here costs nothing on the path most requests take.
 */
function wait(ms: number, context: RequestContext): Promise<void> {
  const signal = context.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One request's route through a `SmartRouter`. The first try of each deployment the request has
 * not tried is failover, switched to with no delay and bounded by the number of deployments; only
 * retries of a tried deployment (and their backoff waits) spend `retries` and the retry budget,
 * so no request fails while an untried healthy deployment is left (../shared/RELIABILITY.md).
 */
export class SmartPlan implements RoutePlan {
  private ranked: Deployment[] = [];
  private readonly tried = new Set<string>();
  private retries = 0;
  private contextAbove?: number;

  constructor(
    private readonly router: SmartRouter,
    private readonly context: RequestContext,
  ) {}

  next(failure?: AttemptFailure): Deployment | undefined | Promise<Deployment | undefined> {
    const now = this.router.now();
    if (!failure) return this.first(now);
    const action = failureAction(failure.error, failure.deployment, this.router.options);
    if (action.stop) return undefined;
    this.tried.add(failure.deployment.id);
    if (action.needsContextAbove !== undefined) {
      this.contextAbove = Math.max(this.contextAbove ?? 0, action.needsContextAbove);
    }
    return this.untried(now) ?? this.retry(failure, action, now);
  }

  private first(now: number): Deployment {
    const { ranked } = this.router.rank(this.context);
    if (ranked.length === 0) {
      throw new UnsupportedOperationError({
        operation: `this request (${this.context.operation} with its tools, images, schema or size)`,
        model: this.context.request.model,
      });
    }
    this.ranked = ranked;
    for (const deployment of ranked) {
      if (this.router.unavailableReason(deployment, now) === undefined) return deployment;
    }
    const probe = this.router.trafficProbe(ranked, now);
    if (probe) return probe;
    if (this.router.options.panicMode) return ranked[0]!;
    throw new NoHealthyProviderError({
      model: this.context.request.model,
      reasons: ranked.map((d) => `${d.id}: ${this.router.unavailableReason(d, now)}`),
      retryAfterMs: this.router.retryAfterMs(ranked, now),
    });
  }

  /** A healthy deployment this request has not tried, else one a traffic probe may take. */
  private untried(now: number): Deployment | undefined {
    const untried = this.fitting().filter((d) => !this.tried.has(d.id));
    return (
      untried.find((d) => this.router.unavailableReason(d, now) === undefined) ??
      this.router.trafficProbe(untried, now)
    );
  }

  /**
   * Tries a deployment again after a wait (jittered backoff, or the upstream's Retry-After), if
   * `retries` and the retry budget allow; a rate-limited deployment rests until its Retry-After,
   * so it counts as available after it.
   */
  private retry(
    failure: AttemptFailure,
    action: FailureAction,
    now: number,
  ): Deployment | Promise<Deployment> | undefined {
    const options = this.router.options;
    if (this.retries >= options.retries) return undefined;
    const available = this.fitting().filter(
      (d) => options.panicMode || this.router.unavailableReason(d, now) === undefined,
    );
    // In panic mode an unhealthy deployment not tried yet goes before a tried one.
    const again =
      available.find((d) => !this.tried.has(d.id)) ??
      available.find((d) => d.id !== failure.deployment.id || action.retrySame) ??
      (action.retrySame && this.router.state(failure.deployment).breaker.allows(now)
        ? failure.deployment
        : undefined);
    if (!again) return undefined;
    const retryAfter = again.id === failure.deployment.id ? (action.waitMs ?? 0) : 0;
    if (retryAfter > options.retryAfterCapMs) return undefined;
    const delay = this.tried.has(again.id)
      ? Math.max(
          retryAfter,
          backoffMs(this.retries, options.initialBackoffMs, options.maxBackoffMs),
        )
      : 0;
    const deadline = this.context.deadlineAt;
    if (deadline !== undefined && now + delay >= deadline) return undefined;
    if (!this.router.budget.tryRetry(now)) return undefined;
    this.retries += 1;
    return delay === 0 ? again : wait(delay, this.context).then(() => again);
  }

  /** Ranked deployments, less those whose context window a failure ruled out. */
  private fitting(): Deployment[] {
    const above = this.contextAbove;
    if (above === undefined) return this.ranked;
    return this.ranked.filter((d) => (d.contextWindow ?? 0) > above);
  }
}
