import type { Micros } from '../money/micros.js';
import type { Budget } from './budget-config.js';
import type { BudgetCounterStore } from './budget-counter-store.js';
import { counterKeyOf } from './budget-scope.js';
import { windowAt } from './calendar-window.js';

/** Where one budget counter stands in its current window. */
export interface BudgetStatus {
  budget: string;
  scope: string;
  action: Budget['action'];
  window: string;
  limitMicros: Micros;
  spentMicros: Micros;
  reservedMicros: Micros;
  /** What is left: limit minus spent and reserved, never below 0. */
  remainingMicros: Micros;
  /** When the window resets, epoch ms; null for a `total` budget. */
  resetsAt: number | null;
}

/** Reads every known counter of every budget in its current window. */
export async function readBudgetStatus(
  budgets: readonly Budget[],
  store: BudgetCounterStore,
  seenScopes: ReadonlyMap<string, ReadonlySet<string>>,
  now: number,
): Promise<BudgetStatus[]> {
  const statuses: BudgetStatus[] = [];
  for (const budget of budgets) {
    const window = windowAt(now, budget.window, budget.timeZone);
    const scopes = new Set(seenScopes.get(budget.name));
    if (budget.scope === 'global') scopes.add('global');
    for (const scope of scopes) {
      const state = await store.read(counterKeyOf(budget, scope, window.id));
      statuses.push({
        budget: budget.name,
        scope,
        action: budget.action,
        window: window.id,
        limitMicros: budget.limitMicros,
        spentMicros: state.spentMicros,
        reservedMicros: state.reservedMicros,
        remainingMicros: Math.max(0, budget.limitMicros - state.spentMicros - state.reservedMicros),
        resetsAt: Number.isFinite(window.endsAt) ? window.endsAt : null,
      });
    }
  }
  return statuses;
}
