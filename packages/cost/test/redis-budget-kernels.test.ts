import type { BudgetEvent, LoomError } from '@loom/core';
import { openRedisBudgetCounterStore, type RedisBudgetCounterStore } from '@loom/cost';
import { mockReply } from '@loom/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, type Harness, startHarness } from './helpers.js';
import { freshPrefix, redisReachable, redisUrl, until } from './redis-helpers.js';

// As in budgets.test.ts: "hi" with maxTokens 1000 on gpt-4o-mini reserves 602 micro-dollars.
const WORST = 602;

const harnesses: Harness[] = [];
const stores: RedisBudgetCounterStore[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.kernel.stop();
  for (const store of stores.splice(0)) await store.close();
});

describe.runIf(redisReachable)('three kernels sharing Redis budget counters', () => {
  it('admit exactly what fits in total, and the settled spend is shared', async () => {
    const prefix = freshPrefix();
    for (let index = 0; index < 3; index += 1) {
      const budgetStore = await openRedisBudgetCounterStore({ url: redisUrl, prefix });
      stores.push(budgetStore);
      harnesses.push(
        await startHarness(
          {
            budgets: [{ name: 'daily', limitUsd: (10 * WORST + 100) / 1e6, action: 'block' }],
            budgetStore,
          },
          { fallback: mockReply('ok', { delayMs: 30 }) },
        ),
      );
    }
    const results = await Promise.allSettled(
      Array.from({ length: 150 }, (_, index) =>
        harnesses[index % 3]!.kernel.chat(ask('hi', { maxTokens: 1000 })),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    for (const result of results) {
      if (result.status === 'rejected')
        expect(result.reason as LoomError).toMatchObject({ code: 'budget_exceeded' });
    }
    // Every admission settled: nothing stays reserved; each call really cost 1 micro-dollar.
    expect(await stores[0]!.read('daily|global|2026-01-15')).toEqual({
      spentMicros: 10,
      reservedMicros: 0,
    });
  });

  it('raise one threshold alert per crossing between them, whichever settles it', async () => {
    const prefix = freshPrefix();
    for (let index = 0; index < 2; index += 1) {
      const budgetStore = await openRedisBudgetCounterStore({ url: redisUrl, prefix });
      stores.push(budgetStore);
      harnesses.push(
        await startHarness({
          // Each call costs 1 micro-dollar: the fifth, eighth and tenth cross 50, 80 and 100 %.
          budgets: [
            { name: 'watch', limitUsd: 10 / 1e6, action: 'alert', thresholds: [0.5, 0.8, 1] },
          ],
          budgetStore,
        }),
      );
    }
    for (let index = 0; index < 16; index += 1)
      await harnesses[index % 2]!.kernel.chat(ask('hi', { maxTokens: 1000 }));
    const seen = (name: string) =>
      harnesses.flatMap((harness) => harness.events.filter((event) => event.name === name));
    await until(() => seen('budget:threshold').length >= 3);
    // Both kernels saw every crossing settle; a late duplicate would show by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const thresholds = seen('budget:threshold').map(
      (event) => (event.payload as BudgetEvent).threshold,
    );
    expect(thresholds.sort()).toEqual([0.5, 0.8, 1]);
    expect(seen('alert:firing')).toHaveLength(3);
    expect(
      harnesses.every((harness) => harness.events.some((e) => e.name === 'budget:threshold')),
    ).toBe(true);
  });
});
