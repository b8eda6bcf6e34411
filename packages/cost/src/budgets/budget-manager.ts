import type { Deployment, RequestContext, RequestMetadata } from '@loom/core';
import type { Micros } from '../money/micros.js';
import type { CostUsage } from '../pricing/cost-of.js';
import type { DeploymentPricer, PricedCost } from '../pricing/deployment-pricer.js';
import type { Budget } from './budget-config.js';
import type { BudgetCounterStore, CounterState } from './budget-counter-store.js';
import { budgetExceededError, unpricedModelError } from './budget-exceeded-error.js';
import { counterKeyOf, dependsOnDeployment, scopeKeyOf } from './budget-scope.js';
import type { BudgetThresholds } from './budget-thresholds.js';
import { windowAt } from './calendar-window.js';

/** A reservation on one counter, held from admission until the request is reconciled. */
export interface BudgetHold {
  budget: Budget;
  scopeKey: string;
  counterKey: string;
  windowId: string;
  amountMicros: Micros;
  endsAt: number;
  expiresAt: number;
}

/** What admission reserved for one request; reconciled exactly once. */
export interface Admission {
  requestId: string;
  /** Unique id of this admission: the lease holder in stores that lease reservations. */
  holder: string;
  metadata: RequestMetadata | undefined;
  holds: BudgetHold[];
  settled: boolean;
}

/** Options of the budget manager. */
export interface BudgetManagerOptions {
  budgets: readonly Budget[];
  store: BudgetCounterStore;
  pricer: DeploymentPricer;
  thresholds: BudgetThresholds;
  now: () => number;
  /** Refuse (default) or allow requests to unpriced models when a budget applies. */
  unpricedModels: 'refuse' | 'allow';
  /** Emits `budget:exceeded`. */
  onExceeded: (details: {
    budget: string;
    scope: string;
    spentMicros: Micros;
    limitMicros: Micros;
    requestId: string;
  }) => void;
}

// Counters outlive their window by a day so late reconciliations still find them.
const GRACE_MS = 86_400_000;

/** Admission (atomic worst-case reservation), stream extension and exactly-once reconciliation. */
export class BudgetManager {
  /** Scope keys each budget has counted so far, for status reports (up to 1000 per budget). */
  readonly seenScopes = new Map<string, Set<string>>();

  constructor(private readonly options: BudgetManagerOptions) {}

  private touching(
    deployment: Deployment,
    metadata: RequestMetadata | undefined,
  ): Array<[Budget, string]> {
    const found: Array<[Budget, string]> = [];
    for (const budget of this.options.budgets) {
      const scopeKey = scopeKeyOf(budget, deployment, metadata);
      if (scopeKey !== undefined) found.push([budget, scopeKey]);
    }
    return found;
  }

  /** Reserves the worst case on every counter the request may touch, or throws `budget_exceeded`. */
  async admit(context: RequestContext, usage: CostUsage): Promise<Admission | undefined> {
    if (this.options.budgets.length === 0) return undefined;
    const metadata = context.request.metadata;
    const worst = new Map<string, PricedCost>();
    const worstOf = (deployment: Deployment): PricedCost => {
      let cost = worst.get(deployment.id);
      if (!cost) {
        cost = this.options.pricer.worstCase(deployment, usage);
        worst.set(deployment.id, cost);
      }
      return cost;
    };
    this.refuseUnpriced(context, worstOf, metadata);
    await this.downgrade(context, worstOf, metadata);
    // Request ids may come from callers; a lease holder must be unique across gateways.
    const holder = globalThis.crypto.randomUUID();
    for (;;) {
      const holds = this.plan(context.candidates, worstOf, metadata);
      const outcome = await this.options.store.reserve(
        holds.map((hold) => ({
          key: hold.counterKey,
          amountMicros: hold.amountMicros,
          expiresAt: hold.expiresAt,
          holder,
          ...(hold.budget.action === 'block' ? { limitMicros: hold.budget.limitMicros } : {}),
        })),
      );
      if (outcome.admitted)
        return { requestId: context.requestId, holder, metadata, holds, settled: false };
      const failed = holds.find((hold) => hold.counterKey === outcome.key) as BudgetHold;
      const others = (deployment: Deployment) =>
        scopeKeyOf(failed.budget, deployment, metadata) !== failed.scopeKey;
      if (dependsOnDeployment(failed.budget) && context.candidates.some(others)) {
        // Only this provider's or model's budget is full: the other candidates may still serve.
        context.narrow(
          others,
          `budget '${failed.budget.name}' is exhausted for ${failed.scopeKey}`,
        );
        continue;
      }
      throw this.exceeded(context.requestId, failed, outcome.state, failed.amountMicros);
    }
  }

  private refuseUnpriced(
    context: RequestContext,
    worstOf: (deployment: Deployment) => PricedCost,
    metadata: RequestMetadata | undefined,
  ): void {
    if (this.options.unpricedModels === 'allow') return;
    const refused = (deployment: Deployment) =>
      worstOf(deployment).unpriced &&
      this.touching(deployment, metadata).some(([budget]) => budget.action !== 'alert');
    const models = context.candidates.filter(refused).map((deployment) => deployment.id);
    if (models.length === 0) return;
    if (models.length === context.candidates.length) throw unpricedModelError(models);
    context.narrow((deployment) => !refused(deployment), 'budget: no price known for this model');
  }

  private async downgrade(
    context: RequestContext,
    worstOf: (deployment: Deployment) => PricedCost,
    metadata: RequestMetadata | undefined,
  ): Promise<void> {
    const preferred = context.candidates[0];
    if (!preferred) return;
    const preferredCost = worstOf(preferred).costMicros;
    for (const [budget, scopeKey] of this.touching(preferred, metadata)) {
      if (budget.action !== 'downgrade') continue;
      const window = windowAt(this.options.now(), budget.window, budget.timeZone);
      const state = await this.options.store.read(counterKeyOf(budget, scopeKey, window.id));
      if (state.spentMicros + state.reservedMicros + preferredCost <= budget.limitMicros) continue;
      const cheaper = (deployment: Deployment) =>
        worstOf(deployment).free || worstOf(deployment).costMicros < preferredCost;
      if (!context.candidates.some(cheaper)) {
        const hold = this.hold(budget, scopeKey, preferredCost);
        throw this.exceeded(context.requestId, hold, state, preferredCost);
      }
      context.narrow(
        cheaper,
        `budget '${budget.name}' reached: downgraded to cheaper or local models`,
      );
      return;
    }
  }

  private plan(
    candidates: readonly Deployment[],
    worstOf: (deployment: Deployment) => PricedCost,
    metadata: RequestMetadata | undefined,
  ): BudgetHold[] {
    const holds = new Map<string, BudgetHold>();
    for (const deployment of candidates) {
      const cost = worstOf(deployment).costMicros;
      for (const [budget, scopeKey] of this.touching(deployment, metadata)) {
        const hold = this.hold(budget, scopeKey, cost);
        const existing = holds.get(hold.counterKey);
        if (!existing) holds.set(hold.counterKey, hold);
        else existing.amountMicros = Math.max(existing.amountMicros, cost);
      }
    }
    return [...holds.values()];
  }

  private hold(budget: Budget, scopeKey: string, amountMicros: Micros): BudgetHold {
    const window = windowAt(this.options.now(), budget.window, budget.timeZone);
    return {
      budget,
      scopeKey,
      counterKey: counterKeyOf(budget, scopeKey, window.id),
      windowId: window.id,
      amountMicros,
      endsAt: window.endsAt,
      expiresAt: window.endsAt + GRACE_MS,
    };
  }

  private exceeded(
    requestId: string,
    hold: BudgetHold,
    state: CounterState,
    requested: Micros,
  ): Error {
    const { budget } = hold;
    this.options.onExceeded({
      budget: budget.name,
      scope: hold.scopeKey,
      spentMicros: state.spentMicros,
      limitMicros: budget.limitMicros,
      requestId,
    });
    return budgetExceededError({
      budget: budget.name,
      scope: hold.scopeKey,
      window: hold.windowId,
      spentMicros: state.spentMicros,
      reservedMicros: state.reservedMicros,
      limitMicros: budget.limitMicros,
      requestedMicros: requested,
      resetsAt: hold.endsAt,
      now: this.options.now(),
    });
  }

  /**
   * A running stream has cost `meteredMicros` on `deployment`: grows the reservation of its
   * `block` counters when the metered cost passes it, or throws `budget_exceeded` to cut it.
   */
  async extend(admission: Admission, deployment: Deployment, meteredMicros: Micros): Promise<void> {
    const grow = admission.holds.filter(
      (hold) =>
        hold.budget.action === 'block' &&
        meteredMicros > hold.amountMicros &&
        scopeKeyOf(hold.budget, deployment, admission.metadata) === hold.scopeKey,
    );
    if (grow.length === 0 || admission.settled) return;
    // Grow in steps of at least half the reservation so a long stream asks the store rarely.
    const steps = grow.map((hold) =>
      Math.max(meteredMicros - hold.amountMicros, Math.ceil(hold.amountMicros / 2), 1),
    );
    const outcome = await this.options.store.reserve(
      grow.map((hold, index) => ({
        key: hold.counterKey,
        amountMicros: steps[index] ?? 0,
        limitMicros: hold.budget.limitMicros,
        expiresAt: hold.expiresAt,
        holder: admission.holder,
      })),
    );
    if (outcome.admitted) {
      grow.forEach((hold, index) => {
        hold.amountMicros += steps[index] ?? 0;
      });
      return;
    }
    const failed = grow.find((hold) => hold.counterKey === outcome.key) as BudgetHold;
    throw this.exceeded(admission.requestId, failed, outcome.state, meteredMicros);
  }

  /** Releases the reservations and spends what each attempt really cost; once per admission. */
  async settle(
    admission: Admission,
    costs: ReadonlyArray<{ deployment: Deployment; costMicros: Micros }>,
  ): Promise<void> {
    if (admission.settled) return;
    admission.settled = true;
    const actual = (hold: BudgetHold) =>
      costs.reduce(
        (sum, cost) =>
          scopeKeyOf(hold.budget, cost.deployment, admission.metadata) === hold.scopeKey
            ? sum + cost.costMicros
            : sum,
        0,
      );
    const states = await this.options.store.settle(
      admission.holds.map((hold) => ({
        key: hold.counterKey,
        reservedMicros: hold.amountMicros,
        actualMicros: actual(hold),
        expiresAt: hold.expiresAt,
        holder: admission.holder,
      })),
    );
    admission.holds.forEach((hold, index) => {
      const seen = this.seenScopes.get(hold.budget.name) ?? new Set();
      if (seen.size < 1000) seen.add(hold.scopeKey);
      this.seenScopes.set(hold.budget.name, seen);
      const state = states[index];
      if (state) this.options.thresholds.check(hold, state, admission.requestId);
    });
  }
}
