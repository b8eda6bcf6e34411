import type { Deployment, RequestMetadata } from '@loom/core';
import type { BudgetHold } from './admission.js';
import type { CounterState } from './budget-counter-store.js';
import { scopeKeyOf } from './budget-scope.js';
import type { WorstCases } from './worst-cases.js';

// A request whose byte-bound input is worth 1/256 of a limit is counted before it reserves.
const SIZEABLE_SHARE = 256;
const MAX_NEAR_LIMIT_COUNTERS = 10_000;

/**
 * When admission counts a request's input with the tokenizer rather than keep the byte bound:
 * the byte bound costs next to nothing and is right far from a limit; the count costs CPU in
 * proportion to the prompt (bench/estimate.bench.ts) and only changes decisions near a limit.
 */
export class CountPolicy {
  /** Counters that refused a reservation in their current window, with their expiry. */
  private readonly nearLimit = new Map<string, number>();
  private refusals = 0;

  constructor(private readonly now: () => number) {}

  /**
   * Before reserving: on a counter that refused this window, or when the byte-bound input alone
   * is a sizeable share of a limit (concurrent requests reserving it would hold each other out
   * until they settle). True when it counted and the worst cases came down.
   */
  before(
    holds: readonly BudgetHold[],
    worst: WorstCases,
    candidates: readonly Deployment[],
  ): boolean | Promise<boolean> {
    let input: number | undefined;
    const worth = holds.some((hold) => {
      if (this.nearLimit.has(hold.counterKey)) return true;
      if (hold.budget.action === 'alert') return false;
      input ??= Math.max(...candidates.map((deployment) => worst.inputCost(deployment)));
      return input * SIZEABLE_SHARE >= hold.budget.limitMicros;
    });
    return worth && worst.tighten(candidates);
  }

  /**
   * After `failed` refused the reservation: remembers its counter as near its limit and counts,
   * unless the request would not fit even with no input. True when the worst cases came down.
   */
  afterRefusal(
    failed: BudgetHold,
    state: CounterState,
    worst: WorstCases,
    candidates: readonly Deployment[],
    metadata: RequestMetadata | undefined,
  ): boolean | Promise<boolean> {
    this.remember(failed);
    const room = failed.budget.limitMicros - state.spentMicros - state.reservedMicros;
    const hopeless = candidates.some(
      (deployment) =>
        scopeKeyOf(failed.budget, deployment, metadata) === failed.scopeKey &&
        worst.floor(deployment) > room,
    );
    return !hopeless && worst.tighten(candidates);
  }

  private remember(hold: BudgetHold): void {
    this.nearLimit.set(hold.counterKey, hold.expiresAt);
    this.refusals += 1;
    // Keys carry their window id: keys of ended windows are never asked for again.
    if (this.refusals % 1024 === 0) {
      const now = this.now();
      for (const [key, expiresAt] of this.nearLimit)
        if (expiresAt < now) this.nearLimit.delete(key);
    }
    // Forgetting a counter costs its requests no more than one refused reservation each.
    if (this.nearLimit.size > MAX_NEAR_LIMIT_COUNTERS) {
      const oldest = this.nearLimit.keys().next();
      if (!oldest.done) this.nearLimit.delete(oldest.value);
    }
  }
}
