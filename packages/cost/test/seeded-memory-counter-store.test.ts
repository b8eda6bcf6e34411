// Without Redis beside a PostgreSQL ledger, counters live in memory: a restart starts with nothing
// reserved and must start from what the ledger says was spent.
import type { LoomError } from '@loom/core';
import {
  type CounterReservation,
  ledgerCounterSeeder,
  MemoryLedger,
  SeededMemoryCounterStore,
} from '@loom/cost';
import { describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';

const KEY = 'total|global|total';
const slot = (amount: number, limit?: number): CounterReservation => ({
  key: KEY,
  amountMicros: amount,
  expiresAt: Number.POSITIVE_INFINITY,
  ...(limit === undefined ? {} : { limitMicros: limit }),
});

async function ledgerSpending(micros: number) {
  const ledger = new MemoryLedger();
  await ledger.append([makeRecord({ id: 'before-the-restart', costMicros: micros })]);
  const seed = ledgerCounterSeeder({
    ledger,
    budgets: [{ name: 'total', limitUsd: 1, window: 'total', action: 'block' }],
  });
  let queries = 0;
  return {
    queries: () => queries,
    seed: async (key: string) => {
      queries += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return seed(key);
    },
  };
}

describe('memory counters seeded from the ledger', () => {
  it('start a counter from the ledger once, however many first requests race for it', async () => {
    const ledger = await ledgerSpending(900_000);
    const store = new SeededMemoryCounterStore({ seed: ledger.seed });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => store.reserve([slot(40_000, 1_000_000)])),
    );
    expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(2);
    expect(ledger.queries()).toBe(1);
    expect(await store.read(KEY)).toEqual({ spentMicros: 900_000, reservedMicros: 80_000 });
    store.settle([
      {
        key: KEY,
        reservedMicros: 40_000,
        actualMicros: 30_000,
        expiresAt: Number.POSITIVE_INFINITY,
      },
    ]);
    expect(await store.read(KEY)).toEqual({ spentMicros: 930_000, reservedMicros: 40_000 });
    expect(ledger.queries()).toBe(1);
  });

  it('read the ledger for a counter nobody reserved on yet, without keeping it', async () => {
    const ledger = await ledgerSpending(5_000);
    const store = new SeededMemoryCounterStore({ seed: ledger.seed });
    expect(await store.read(KEY)).toEqual({ spentMicros: 5_000, reservedMicros: 0 });
    expect(await store.read(KEY)).toEqual({ spentMicros: 5_000, reservedMicros: 0 });
    expect(ledger.queries()).toBe(2);
    await store.reserve([slot(100)]);
    expect(await store.read(KEY)).toEqual({ spentMicros: 5_000, reservedMicros: 100 });
    expect(ledger.queries()).toBe(3);
  });

  it('refuse a limited reservation with 503 while the ledger cannot be read, and seed once it can', async () => {
    let down = true;
    const ledger = await ledgerSpending(700);
    const store = new SeededMemoryCounterStore({
      seed: async (key) => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return ledger.seed(key);
      },
    });
    const refused = await Promise.resolve(store.reserve([slot(100, 1_000)])).catch(
      (error: LoomError) => error,
    );
    expect(refused).toMatchObject({ code: 'budget_unavailable', statusCode: 503 });
    // Without a limit (an alert budget) the request is counted from what this process sees.
    expect(await store.reserve([slot(100)])).toEqual({ admitted: true });
    down = false;
    expect(await store.reserve([slot(100, 1_000)])).toEqual({ admitted: true });
    expect(await store.read(KEY)).toEqual({ spentMicros: 700, reservedMicros: 200 });
  });
});
