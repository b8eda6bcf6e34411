import type { RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { Deployment } from '../spec/routing/deployment.js';
import { DeploymentState } from './deployment-state.js';
import { failureAction } from './failure-policy.js';
import { requestNeeds, unfitReason } from './request-needs.js';
import { RetryBudget } from './retry-budget.js';
import { SmartPlan } from './route-plan.js';
import type { AttemptOutcome, Router, RouterRuntime } from './router.js';
import type { CandidateExplanation, ProviderStats, RouteExplanation } from './router-reports.js';
import {
  type ResolvedRoutingOptions,
  type RoutingOptions,
  routingDefaults,
} from './routing-options.js';
import { balancedScores, type StrategyName, strategiesFor } from './strategies.js';

type ResolvedOptions = ResolvedRoutingOptions;

/**
 * The default router: capability and context-window filtering, a ranking strategy, circuit
 * breakers and cooldowns per deployment, provider health, zero-delay failover, jittered backoff,
 * Retry-After with a cap, and a retry budget — RELIABILITY.md's failure handling.
 */
export function createRouter(
  options: RoutingOptions = {},
): Router & { readonly options: ResolvedOptions } {
  return new SmartRouter({ ...routingDefaults, ...options });
}

export class SmartRouter implements Router {
  readonly budget: RetryBudget;
  private readonly states = new Map<string, DeploymentState>();
  private readonly strategies = strategiesFor(this);
  runtime?: RouterRuntime;

  constructor(readonly options: ResolvedOptions) {
    this.budget = new RetryBudget(options.retryBudget);
  }

  attach(runtime: RouterRuntime): void {
    this.runtime = runtime;
  }

  now(): number {
    return this.runtime?.now() ?? Date.now();
  }

  state(deployment: Deployment): DeploymentState {
    let state = this.states.get(deployment.id);
    if (!state) {
      if (this.states.size >= this.options.maxTrackedDeployments) this.forgetIdle();
      state = new DeploymentState(deployment, this.options.circuitBreaker, (circuit, reason) => {
        const event =
          circuit === 'open'
            ? 'circuit:open'
            : circuit === 'closed'
              ? 'circuit:close'
              : 'circuit:half-open';
        this.runtime?.emit(event, { deployment, reason, timestamp: this.now() });
      });
      const prior = this.options.latencyPriors?.[deployment.id];
      if (prior) {
        state.latency.seed(prior.latencyMs);
        if (prior.timeToFirstChunkMs !== undefined) state.firstChunk.seed(prior.timeToFirstChunkMs);
      }
      this.states.set(deployment.id, state);
    }
    return state;
  }

  /** Drops the longest-idle tenth of the deployments that have nothing in flight. */
  private forgetIdle(): void {
    const idle = [...this.states.values()].filter((state) => state.inFlight === 0);
    idle.sort((a, b) => a.lastUsed - b.lastUsed);
    const count = Math.max(1, Math.ceil(this.options.maxTrackedDeployments / 10));
    for (const state of idle.slice(0, count)) this.states.delete(state.deployment.id);
  }

  plan(context: RequestContext): SmartPlan {
    this.budget.request(this.now());
    return new SmartPlan(this, context);
  }

  /** Why a deployment may not take traffic now, or undefined when it may. */
  unavailableReason(deployment: Deployment, now: number): string | undefined {
    const state = this.state(deployment);
    if (!state.breaker.allows(now)) return `circuit ${state.breaker.current(now)}`;
    if (now < state.cooldownUntil)
      return `cooling down until ${new Date(state.cooldownUntil).toISOString()} (${state.cooldownReason})`;
    if (this.healthDown(deployment)) return 'provider health check says down';
    return undefined;
  }

  /**
   * Among `deployments`, one kept away only by its provider's health check whose probe interval
   * has passed: it takes this one real request (a probe by traffic), since a health check can be
   * wrong and traffic decides. Undefined when there is none.
   */
  trafficProbe(deployments: readonly Deployment[], now: number): Deployment | undefined {
    for (const deployment of deployments) {
      const state = this.state(deployment);
      if (!this.healthDown(deployment) || !state.breaker.allows(now)) continue;
      if (now < state.cooldownUntil) continue;
      if (now < state.trafficProbeAt + this.options.trafficProbeIntervalMs) continue;
      state.trafficProbeAt = now;
      return deployment;
    }
    return undefined;
  }

  /** Milliseconds until some deployment among `deployments` takes traffic again. */
  retryAfterMs(deployments: readonly Deployment[], now: number): number {
    const waits = deployments.map((d) => {
      const state = this.state(d);
      const probe = this.healthDown(d)
        ? state.trafficProbeAt + this.options.trafficProbeIntervalMs - now
        : 0;
      return Math.max(state.breaker.retryAfterMs(now), state.cooldownUntil - now, probe, 0);
    });
    return Math.max(1_000, Math.min(...waits.filter((w) => w > 0), 30_000));
  }

  private healthDown(deployment: Deployment): boolean {
    return this.runtime?.health(deployment.providerId)?.status === 'down';
  }

  /** Candidates that fit the request, ranked by the request's or the configured strategy. */
  rank(
    context: RequestContext,
    dropped?: CandidateExplanation[],
  ): { strategy: StrategyName; ranked: Deployment[] } {
    const candidates = context.candidates;
    // Most configurations declare no capabilities or windows: then there is nothing to check.
    const constrained = candidates.some((d) => d.capabilities || d.contextWindow !== undefined);
    let fitting = candidates;
    if (constrained) {
      const needs = requestNeeds(context.operation, context.request);
      fitting = candidates.filter((deployment) => {
        const reason = unfitReason(deployment, needs);
        if (reason) dropped?.push({ deployment, kept: false, reason });
        return reason === undefined;
      });
    }
    const requested = 'priority' in context.request ? context.request.priority : undefined;
    const strategy: StrategyName = requested ?? this.options.strategy;
    if (strategy === 'least-busy' || strategy === 'balanced') this.refreshLoad(fitting);
    const ranked = this.strategies[strategy](fitting, (d) => this.state(d), context.request.model);
    return { strategy, ranked };
  }

  onAttemptStart(deployment: Deployment): void {
    const state = this.state(deployment);
    state.inFlight += 1;
    state.lastUsed = this.now();
    state.breaker.attemptStarted(this.now());
  }

  onFirstChunk(deployment: Deployment, ms: number): void {
    this.state(deployment).recordFirstChunk(ms, this.now());
  }

  onAttemptEnd(deployment: Deployment, outcome: AttemptOutcome): void {
    const state = this.state(deployment);
    const now = this.now();
    state.inFlight = Math.max(0, state.inFlight - 1);
    if (outcome.ok === 'cancelled') return;
    if (outcome.ok) {
      state.recordSuccess(outcome.durationMs, now);
      state.breaker.succeeded(now);
      return;
    }
    state.recordFailure(outcome.error, now);
    const action = failureAction(outcome.error, deployment, this.options);
    if (action.tripsBreaker) state.breaker.failed(now);
    if (action.cooldownMs !== undefined)
      state.coolDown(now + action.cooldownMs, outcome.error.code);
  }

  stats(): ProviderStats {
    const now = this.now();
    const scores = balancedScores(
      [...this.states.values()].map((state) => state.deployment),
      (d) => this.state(d),
    );
    const deployments = [...this.states.values()].map((state) => ({
      deployment: state.deployment,
      requests: state.successes + state.failures,
      successRate: state.successRate(),
      errors: { ...state.errors },
      lastError: state.lastError,
      latency: { ...state.latencySamples.percentiles(), ewma: state.latency.value },
      timeToFirstChunk: { ...state.firstChunkSamples.percentiles(), ewma: state.firstChunk.value },
      inFlight: state.inFlight,
      circuit: state.breaker.current(now),
      cooldownUntil: state.cooldownUntil > now ? state.cooldownUntil : undefined,
      health: this.runtime?.health(state.deployment.providerId)?.status,
      load: state.load,
      score: Math.round((scores.get(state.deployment) ?? 1) * 1000) / 1000,
    }));
    const requests = deployments.reduce((sum, d) => sum + d.requests, 0);
    const successes = [...this.states.values()].reduce((sum, s) => sum + s.successes, 0);
    const inFlight = deployments.reduce((sum, d) => sum + d.inFlight, 0);
    return {
      deployments,
      totals: { requests, successRate: requests ? successes / requests : 1, inFlight },
    };
  }

  explain(context: RequestContext): RouteExplanation {
    const candidates: CandidateExplanation[] = [];
    const { strategy, ranked } = this.rank(context, candidates);
    const now = this.now();
    let rank = 0;
    for (const deployment of ranked) {
      const reason = this.unavailableReason(deployment, now);
      candidates.push(
        reason && !this.options.panicMode
          ? { deployment, kept: false, reason }
          : { deployment, kept: true, rank: ++rank, reason },
      );
    }
    return { model: context.request.model, strategy, candidates };
  }

  private refreshLoad(deployments: readonly Deployment[]): void {
    const now = this.now();
    for (const deployment of deployments) {
      const provider = this.runtime?.providers.get(deployment.providerId);
      const state = this.state(deployment);
      if (!provider?.doLoad || now - state.loadRequestedAt < this.options.loadIntervalMs) continue;
      state.loadRequestedAt = now;
      Promise.resolve(provider.doLoad({ signal: AbortSignal.timeout(2_000) })).then(
        (load) => {
          state.load = load;
        },
        () => {
          state.load = undefined;
        },
      );
    }
  }
}
