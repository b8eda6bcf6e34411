import type { Deployment, PluginApi } from '@loom/core';
import type { Budget } from '../budgets/budget-config.js';
import {
  type BudgetCounterStore,
  MemoryBudgetCounterStore,
} from '../budgets/budget-counter-store.js';
import { type Admission, BudgetManager } from '../budgets/budget-manager.js';
import { type BudgetStatus, readBudgetStatus } from '../budgets/budget-status.js';
import { BudgetThresholds } from '../budgets/budget-thresholds.js';
import { inputTokenBound } from '../budgets/estimate-tokens.js';
import type { CostUsage } from '../pricing/cost-of.js';
import type { DeploymentPricer } from '../pricing/deployment-pricer.js';
import { meteredUsage, type RequestCosts, type StreamMeter } from './request-costs.js';

/** What `RequestAdmission` needs. */
export interface RequestAdmissionOptions {
  api: PluginApi;
  budgets: readonly Budget[];
  /** Budget counters; default in this process's memory. */
  counters: BudgetCounterStore | undefined;
  pricer: DeploymentPricer;
  now: () => number;
  /** Output tokens reserved for a request without `maxTokens`. */
  defaultMaxTokens: number;
  unpricedModels: 'refuse' | 'allow';
}

/**
 * Budgets on the request path: reserves a request's worst case before the call, grows it as a
 * stream runs past it (or cuts the stream), and settles what the attempts really cost.
 */
export class RequestAdmission {
  private readonly budgets: readonly Budget[];
  private readonly counters: BudgetCounterStore;
  private readonly manager: BudgetManager;
  private readonly pricer: DeploymentPricer;
  private readonly now: () => number;
  private readonly defaultMaxTokens: number;

  constructor({ api, budgets, pricer, now, ...options }: RequestAdmissionOptions) {
    const counters = options.counters ?? new MemoryBudgetCounterStore(now);
    this.manager = new BudgetManager({
      budgets,
      store: counters,
      pricer,
      now,
      unpricedModels: options.unpricedModels,
      thresholds: new BudgetThresholds(
        {
          alert: (alert) => api.alert(alert),
          threshold: (event) => api.emit('budget:threshold', event),
          now,
        },
        // A store shared by several gateways (Redis) lets one of them alert per crossing.
        counters,
      ),
      onExceeded: (details) => api.emit('budget:exceeded', { ...details, timestamp: now() }),
      onOverReservation: (details) =>
        api.emit('budget:over-reservation', { ...details, timestamp: now() }),
    });
    this.budgets = budgets;
    this.counters = counters;
    this.pricer = pricer;
    this.now = now;
    this.defaultMaxTokens = options.defaultMaxTokens;
  }

  /** Reserves the request's worst case, or rejects with `budget_exceeded`. */
  admit(state: RequestCosts): Promise<void> | undefined {
    // Without budgets admission admits everything: skip it, and its promise and await.
    if (this.budgets.length === 0) return undefined;
    const request = state.context.request;
    const outputTokens = 'input' in request ? 0 : (request.maxTokens ?? this.defaultMaxTokens);
    const inputTokens = inputTokenBound(request);
    return this.reserve(state, { inputTokens, outputTokens });
  }

  /**
   * The check a stream runs after each part: grows its reservation or throws to cut it.
   * Undefined without a blocking budget, so such a stream checks nothing per part.
   */
  streamLimit(
    state: RequestCosts,
    meter: StreamMeter,
    deployment: Deployment,
  ): (() => Promise<void>) | undefined {
    const admission = state.admission;
    if (!admission?.holds.some((hold) => hold.budget.action === 'block')) return undefined;
    return () => {
      const cost = this.pricer.worstCase(deployment, meteredUsage(state, meter)).costMicros;
      return this.manager.extend(admission, deployment, cost);
    };
  }

  /** Releases the reservations and spends what the request's attempts cost. */
  settle(state: RequestCosts, admission: Admission): Promise<void> {
    return this.manager.settle(admission, state.costs);
  }

  /** Spent, reserved and remaining per budget counter in its current window. */
  status(): Promise<BudgetStatus[]> {
    return readBudgetStatus(this.budgets, this.counters, this.manager.seenScopes, this.now());
  }

  private async reserve(state: RequestCosts, usage: CostUsage): Promise<void> {
    const admission = await this.manager.admit(state.context, usage);
    if (admission) state.admission = admission;
  }
}
