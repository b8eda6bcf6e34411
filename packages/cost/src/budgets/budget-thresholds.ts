import type { Alert, BudgetEvent } from '@loom/core';
import { formatUsd } from '../money/micros.js';
import type { BudgetCounterStore, CounterState } from './budget-counter-store.js';
import type { BudgetHold } from './budget-manager.js';

/** Where threshold crossings go: the kernel's alert sinks and its `budget:threshold` event. */
export interface ThresholdNotifier {
  alert(alert: Alert): void;
  threshold(event: BudgetEvent): void;
  now(): number;
}

/** Offered by counter stores several gateways share: one gateway wins each crossing. */
export interface ThresholdClaims {
  /**
   * Claims threshold crossing `id` until `expiresAt` (epoch ms; infinite for total windows);
   * true for the first caller across gateways, and when the store cannot tell.
   */
  claimThreshold(id: string, expiresAt: number): Promise<boolean>;
}

/**
 * Fires each threshold of each counter once per window. The window id is part of the counter
 * key, so a new window starts with nothing fired. With a store that offers `ThresholdClaims`
 * (Redis), only the gateway that claims a crossing fires it.
 */
export class BudgetThresholds {
  private readonly fired = new Map<string, number>();
  private readonly claims: ThresholdClaims | undefined;

  constructor(
    private readonly notifier: ThresholdNotifier,
    store?: BudgetCounterStore & Partial<ThresholdClaims>,
  ) {
    this.claims =
      typeof store?.claimThreshold === 'function' ? (store as ThresholdClaims) : undefined;
  }

  /** Checks a counter after a settlement and fires thresholds crossed for the first time. */
  check(hold: BudgetHold, state: CounterState, requestId: string): void {
    const { budget } = hold;
    if (state.spentMicros <= 0) return;
    for (const threshold of budget.thresholds) {
      if (state.spentMicros < threshold * budget.limitMicros) break;
      const id = `budget:${hold.counterKey}:${threshold}`;
      if (this.fired.has(id)) continue;
      this.fired.set(id, hold.expiresAt);
      if (!this.claims) this.fire(hold, state, threshold, id, requestId);
      else {
        const fire = () => this.fire(hold, state, threshold, id, requestId);
        // A failed claim alerts anyway: a repeated alert beats a missed one.
        this.claims
          .claimThreshold(id, hold.expiresAt)
          .then((won) => won && fire(), fire)
          // An alert that cannot be raised must not become an unhandled rejection.
          .catch(() => {});
      }
    }
    this.forgetOldWindows();
  }

  private fire(
    hold: BudgetHold,
    state: CounterState,
    threshold: number,
    id: string,
    requestId: string,
  ): void {
    const { budget } = hold;
    const timestamp = this.notifier.now();
    const percent = Math.round(threshold * 100);
    this.notifier.threshold({
      budget: budget.name,
      scope: hold.scopeKey,
      spentMicros: state.spentMicros,
      limitMicros: budget.limitMicros,
      threshold,
      requestId,
      timestamp,
    });
    this.notifier.alert({
      id,
      rule: `budget-${budget.name}-${percent}`,
      severity: threshold >= 1 ? 'critical' : 'warning',
      state: 'firing',
      message: `Budget '${budget.name}' (${hold.scopeKey}) reached ${percent}% in window ${hold.windowId}: spent ${formatUsd(state.spentMicros)} of ${formatUsd(budget.limitMicros)} (action: ${budget.action}).`,
      labels: {
        budget: budget.name,
        scope: hold.scopeKey,
        window: hold.windowId,
        action: budget.action,
      },
      value: state.spentMicros / Math.max(1, budget.limitMicros),
      timestamp,
    });
  }

  private forgetOldWindows(): void {
    if (this.fired.size < 10_000) return;
    const now = this.notifier.now();
    for (const [id, expiresAt] of this.fired) if (expiresAt < now) this.fired.delete(id);
  }
}
