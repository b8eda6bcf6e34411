import { NoHealthyProviderError } from '../errors/no-healthy-provider-error.js';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import type { RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { Deployment } from '../spec/routing/deployment.js';
import { backoffMs, failureAction } from './failure-policy.js';
import type { AttemptFailure, RoutePlan } from './router.js';
import type { SmartRouter } from './smart-router.js';

type Abortable = {
  aborted: boolean;
  abortReason: unknown;
  onAbort(callback: (reason: unknown) => void): () => void;
};

/** Waits `ms`, or rejects with the request's abort reason as soon as it aborts. */
function wait(ms: number, context: RequestContext): Promise<void> {
  const scope = context as unknown as Abortable;
  if (typeof scope.onAbort !== 'function') return new Promise((resolve) => setTimeout(resolve, ms));
  if (scope.aborted) return Promise.reject(scope.abortReason);
  return new Promise((resolve, reject) => {
    const unregister = scope.onAbort(reject);
    setTimeout(() => {
      unregister();
      resolve();
    }, ms);
  });
}

/** One request's route through a `SmartRouter`. */
export class SmartPlan implements RoutePlan {
  private ranked: Deployment[] = [];
  private failed?: Set<string>;
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
    if (action.stop || this.retries >= this.router.options.retries) return undefined;
    if (!this.router.budget.tryRetry(now)) return undefined;
    this.retries += 1;
    if (!this.failed) this.failed = new Set();
    this.failed.add(failure.deployment.id);
    if (action.needsContextAbove !== undefined) {
      this.contextAbove = Math.max(this.contextAbove ?? 0, action.needsContextAbove);
    }
    // Another healthy candidate that has not failed yet: switch with no delay.
    const failed = this.failed;
    const fresh = this.available(now).find((d) => !failed.has(d.id));
    if (fresh) return fresh;
    // Otherwise wait (jittered backoff, or the upstream's Retry-After) and try the best one again;
    // a rate-limited deployment rests until its Retry-After, so it counts as available after it.
    const again =
      this.available(now).find((d) => d.id !== failure.deployment.id || action.retrySame) ??
      (action.retrySame && this.router.state(failure.deployment).breaker.allows(now)
        ? failure.deployment
        : undefined);
    if (!again) return undefined;
    const retryAfter = again.id === failure.deployment.id ? (action.waitMs ?? 0) : 0;
    if (retryAfter > this.router.options.retryAfterCapMs) return undefined;
    const delay = Math.max(
      retryAfter,
      backoffMs(
        this.retries - 1,
        this.router.options.initialBackoffMs,
        this.router.options.maxBackoffMs,
      ),
    );
    const deadline = this.context.deadlineAt;
    if (deadline !== undefined && now + delay >= deadline) return undefined;
    return wait(delay, this.context).then(() => again);
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
    if (this.router.options.panicMode) return ranked[0]!;
    throw new NoHealthyProviderError({
      model: this.context.request.model,
      reasons: ranked.map((d) => `${d.id}: ${this.router.unavailableReason(d, now)}`),
      retryAfterMs: this.router.retryAfterMs(ranked, now),
    });
  }

  private available(now: number): Deployment[] {
    const above = this.contextAbove;
    return this.ranked.filter(
      (d) =>
        (above === undefined || (d.contextWindow ?? 0) > above) &&
        (this.router.options.panicMode || this.router.unavailableReason(d, now) === undefined),
    );
  }
}
