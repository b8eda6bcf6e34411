import { type BudgetConfig, ledgerCounterSeeder, MemoryLedger } from '@loom/cost';
import { describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';

describe('ledgerCounterSeeder', () => {
  it('seeds a budget a reload added from the spend its window already holds', async () => {
    const ledger = new MemoryLedger();
    const time = Date.UTC(2026, 0, 15, 12);
    await ledger.append([
      makeRecord({ id: 'a', time, costMicros: 700 }),
      makeRecord({ id: 'b', time, costMicros: 300 }),
    ]);
    let budgets: readonly BudgetConfig[] = [{ name: 'daily', limitUsd: 5 }];
    const seed = ledgerCounterSeeder({ ledger, budgets: () => budgets, now: () => time + 1_000 });
    expect(await seed('daily|global|2026-01-15')).toBe(1_000);
    // Unknown until the reload names it: a counter for it would start at 0.
    expect(await seed('forever|global|total')).toBe(0);
    budgets = [...budgets, { name: 'forever', limitUsd: 100, window: 'total' }];
    expect(await seed('forever|global|total')).toBe(1_000);
  });
});
