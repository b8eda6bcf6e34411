import { randomUUID } from 'node:crypto';
import type { LoomError } from '@loom/core';
import { openRedisBudgetCounterStore, type RedisBudgetCounterStore } from '@loom/cost';
import { mockReply } from '@loom/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, type Harness, startHarness } from './helpers.js';

const redisUrl = process.env.LOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisReachable = await (async () => {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();

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
    const prefix = `{loom-test-${randomUUID()}}:`;
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
});
