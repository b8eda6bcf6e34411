import type { Deployment, RequestContext, RequestMetadata } from '@loom/core';
import type { Micros } from '../money/micros.js';
import type { CostUsage } from '../pricing/cost-of.js';
import type { Admission, BudgetHold, BudgetManagerOptions } from './admission.js';
import type { Budget } from './budget-config.js';
import type { CounterState, ReserveOutcome } from './budget-counter-store.js';
import { budgetExceededError, unpricedModelError } from './budget-exceeded-error.js';
import { counterKeyOf, dependsOnDeployment, scopeKeyOf } from './budget-scope.js';
import { windowAt } from './calendar-window.js';
import { CountPolicy } from './count-policy.js';
import { Tokenizers } from './tokenizers.js';
import { WorstCases } from './worst-cases.js';

export type { Admission, BudgetHold, BudgetManagerOptions } from './admission.js';

// Counters outlive their window by a day so late reconciliations still find them.
const GRACE_MS = 86_400_000;

/** Admission (atomic worst-case reservation), stream extension and exactly-once reconciliation. */
export class BudgetManager {
  /** Scope keys each budget has counted so far, for status reports (up to 1000 per budget). */
  readonly seenScopes = new Map<string, Set<string>>();
  private readonly counting: CountPolicy;
  private readonly tokenizers: Tokenizers;

  constructor(private readonly options: BudgetManagerOptions) {
    this.counting = new CountPolicy(options.now);
    this.tokenizers = options.tokenizers ?? new Tokenizers();
  }

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

  /**
   * Reserves the worst case on every counter the request may touch, or throws `budget_exceeded`.
   * `usage` bounds the input by bytes; near a limit a tokenizer count replaces it (CountPolicy).
   */
  async admit(context: RequestContext, usage: CostUsage): Promise<Admission | undefined> {
    if (this.options.budgets.length === 0) return undefined;
    const metadata = context.request.metadata;
    const worst = new WorstCases(this.options.pricer, context.request, usage, this.tokenizers);
    this.refuseUnpriced(context, worst, metadata);
    await this.downgrade(context, worst, metadata);
    // Request ids may come from callers; a lease holder must be unique across gateways.
    const holder = globalThis.crypto.randomUUID();
    for (;;) {
      let holds = this.plan(context.candidates, worst, metadata);
      // Most requests are far from every limit: then no count, and no await for one.
      const counted = this.counting.before(holds, worst, context.candidates);
      if (counted !== false && (await counted))
        holds = this.plan(context.candidates, worst, metadata);
      const outcome = await this.reserve(holds, holder);
      if (outcome.admitted)
        return { requestId: context.requestId, holder, metadata, holds, settled: false };
      const failed = holds.find((hold) => hold.counterKey === outcome.key) as BudgetHold;
      const { state } = outcome;
      if (await this.counting.afterRefusal(failed, state, worst, context.candidates, metadata))
        continue;
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
      throw this.exceeded(context.requestId, failed, state, failed.amountMicros);
    }
  }

  private reserve(
    holds: readonly BudgetHold[],
    holder: string,
  ): ReserveOutcome | Promise<ReserveOutcome> {
    return this.options.store.reserve(
      holds.map((hold) => ({
        key: hold.counterKey,
        amountMicros: hold.amountMicros,
        expiresAt: hold.expiresAt,
        holder,
        ...(hold.budget.action === 'block' ? { limitMicros: hold.budget.limitMicros } : {}),
      })),
    );
  }

  private refuseUnpriced(
    context: RequestContext,
    worst: WorstCases,
    metadata: RequestMetadata | undefined,
  ): void {
    if (this.options.unpricedModels === 'allow') return;
    const refused = (deployment: Deployment) =>
      worst.of(deployment).unpriced &&
      this.touching(deployment, metadata).some(([budget]) => budget.action !== 'alert');
    const models = context.candidates.filter(refused).map((deployment) => deployment.id);
    if (models.length === 0) return;
    if (models.length === context.candidates.length) throw unpricedModelError(models);
    context.narrow((deployment) => !refused(deployment), 'budget: no price known for this model');
  }

  private async downgrade(
    context: RequestContext,
    worst: WorstCases,
    metadata: RequestMetadata | undefined,
  ): Promise<void> {
    const preferred = context.candidates[0];
    if (!preferred) return;
    for (const [budget, scopeKey] of this.touching(preferred, metadata)) {
      if (budget.action !== 'downgrade') continue;
      const window = windowAt(this.options.now(), budget.window, budget.timeZone);
      const state = await this.options.store.read(counterKeyOf(budget, scopeKey, window.id));
      const used = state.spentMicros + state.reservedMicros;
      const fits = () => used + worst.of(preferred).costMicros <= budget.limitMicros;
      const countable = used + worst.floor(preferred) <= budget.limitMicros;
      if (fits() || (countable && (await worst.tighten(context.candidates)) && fits())) continue;
      const preferredCost = worst.of(preferred).costMicros;
      const cheaper = (deployment: Deployment) =>
        worst.of(deployment).free || worst.of(deployment).costMicros < preferredCost;
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
    worst: WorstCases,
    metadata: RequestMetadata | undefined,
  ): BudgetHold[] {
    const holds = new Map<string, BudgetHold>();
    for (const deployment of candidates) {
      const cost = worst.of(deployment).costMicros;
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
    const actuals = admission.holds.map((hold) =>
      costs.reduce(
        (sum, cost) =>
          scopeKeyOf(hold.budget, cost.deployment, admission.metadata) === hold.scopeKey
            ? sum + cost.costMicros
            : sum,
        0,
      ),
    );
    const states = await this.options.store.settle(
      admission.holds.map((hold, index) => ({
        key: hold.counterKey,
        reservedMicros: hold.amountMicros,
        actualMicros: actuals[index] ?? 0,
        expiresAt: hold.expiresAt,
        holder: admission.holder,
      })),
    );
    admission.holds.forEach((hold, index) => {
      const seen = this.seenScopes.get(hold.budget.name) ?? new Set();
      if (seen.size < 1000) seen.add(hold.scopeKey);
      this.seenScopes.set(hold.budget.name, seen);
      const actualMicros = actuals[index] ?? 0;
      if (actualMicros > hold.amountMicros) {
        this.options.onOverReservation({
          budget: hold.budget.name,
          scope: hold.scopeKey,
          reservedMicros: hold.amountMicros,
          actualMicros,
          requestId: admission.requestId,
        });
      }
      const state = states[index];
      if (state) this.options.thresholds.check(hold, state, admission.requestId);
    });
  }
}
