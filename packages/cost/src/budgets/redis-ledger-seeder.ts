import type { LedgerGroupBy, LedgerStore } from '../ledger/cost-record.js';
import type { Micros } from '../money/micros.js';
import { type Budget, type BudgetConfig, parseBudgets } from './budget-config.js';
import { windowAt } from './calendar-window.js';

/**
 * The spend a missing counter starts from, micro-dollars: called with a counter key
 * (`budget|scope|window`) when that key does not exist in the shared store (first start with an
 * existing ledger, or Redis lost its data).
 */
export type CounterSeeder = (key: string) => Promise<Micros>;

/** Options of `ledgerCounterSeeder`. */
export interface LedgerCounterSeederOptions {
  /** The ledger the cost plugin writes to (the same store instance or the same database). */
  ledger: LedgerStore;
  /**
   * The budgets given to the cost plugin, or a function returning the current ones: a host
   * that reloads its config hands the new budgets' keys the spend their windows already hold.
   */
  budgets: readonly BudgetConfig[] | (() => readonly BudgetConfig[]);
  /** Clock, epoch ms; default `Date.now`. */
  now?: () => number;
}

/** Which ledger grouping and group key a counter's scope (`provider:openai`, `tag:team=x`) sums. */
function ledgerGroupOf(scopeKey: string): { groupBy: LedgerGroupBy | undefined; key: string } {
  if (scopeKey === 'global') return { groupBy: undefined, key: 'total' };
  if (scopeKey.startsWith('tag:')) {
    const equals = scopeKey.indexOf('=');
    return {
      groupBy: scopeKey.slice(0, equals) as LedgerGroupBy,
      key: scopeKey.slice(equals + 1),
    };
  }
  const colon = scopeKey.indexOf(':');
  return {
    groupBy: scopeKey.slice(0, colon) as LedgerGroupBy,
    key: scopeKey.slice(colon + 1),
  };
}

/**
 * Seeds counters from the ledger: the spend of the counter's scope since its window started.
 * A key of another window than the current one (a late settlement) or of an unknown budget
 * starts at 0. Records still queued in a `BatchedLedger` (at most one flush interval) are not
 * in the ledger yet and so are not counted.
 */
export function ledgerCounterSeeder(options: LedgerCounterSeederOptions): CounterSeeder {
  const source = options.budgets;
  let configs: readonly BudgetConfig[] | undefined;
  let parsed: Budget[] = [];
  // Parsed again only when the host hands over another list.
  const current = (): Budget[] => {
    const next = typeof source === 'function' ? source() : source;
    if (next !== configs) {
      configs = next;
      parsed = parseBudgets(next);
    }
    return parsed;
  };
  const now = options.now ?? Date.now;
  return async (key) => {
    const budget = current().find((candidate) => key.startsWith(`${candidate.name}|`));
    const windowId = key.slice(key.lastIndexOf('|') + 1);
    if (!budget) return 0;
    const window = windowAt(now(), budget.window, budget.timeZone);
    if (window.id !== windowId) return 0;
    const scopeKey = key.slice(budget.name.length + 1, key.lastIndexOf('|'));
    const { groupBy, key: groupKey } = ledgerGroupOf(scopeKey);
    const groups = await options.ledger.query({
      ...(Number.isFinite(window.startsAt) ? { from: window.startsAt } : {}),
      ...(Number.isFinite(window.endsAt) ? { to: window.endsAt } : {}),
      ...(groupBy === undefined ? {} : { groupBy }),
    });
    return groups.find((group) => group.key === groupKey)?.costMicros ?? 0;
  };
}
