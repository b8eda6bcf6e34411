import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoomError } from '@loom/core';
import { mockReply, mockStream } from '@loom/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteBudgetCounterStore } from '../src/index.js';
import { ask, type Harness, startHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.kernel.stop();
  harness = undefined;
});

// "hi" reserves its 2 UTF-8 bytes + 16 markup = 18 input tokens; with maxTokens 1000 the worst
// case on gpt-4o-mini is ceil(18 × 0.15 + 1000 × 0.6) = 603 micro-dollars.
const WORST = 603;

async function settled<T>(promises: Array<Promise<T>>) {
  const results = await Promise.allSettled(promises);
  const admitted = results.filter((result) => result.status === 'fulfilled').length;
  const errors = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as LoomError] : [],
  );
  return { admitted, errors };
}

const sqliteFiles: string[] = [];
afterEach(() => {
  for (const file of sqliteFiles.splice(0))
    rmSync(file.replace(/\/[^/]*$/, ''), { recursive: true, force: true });
});

async function counterStore(kind: 'memory' | 'sqlite') {
  if (kind === 'memory') return undefined;
  const path = join(mkdtempSync(join(tmpdir(), 'loom-counters-')), 'budget.db');
  sqliteFiles.push(path);
  return openSqliteBudgetCounterStore({ path });
}

describe('budgets', () => {
  it.each([
    [20, 5, 'memory'],
    [200, 10, 'memory'],
    [200, 10, 'sqlite'],
  ] as const)(
    'admits at most what fits when %i requests arrive at once (room for %i, %s counters); the rest get 429',
    async (total, fits, kind) => {
      const budgetStore = await counterStore(kind);
      harness = await startHarness(
        {
          budgets: [{ name: 'daily', limitUsd: (fits * WORST + 100) / 1e6, action: 'block' }],
          ...(budgetStore ? { budgetStore } : {}),
        },
        { fallback: mockReply('ok', { delayMs: 30 }) },
      );
      const { kernel } = harness;
      const { admitted, errors } = await settled(
        Array.from({ length: total }, () => kernel.chat(ask('hi', { maxTokens: 1000 }))),
      );
      expect(admitted).toBe(fits);
      expect(errors).toHaveLength(total - fits);
      for (const error of errors) {
        expect(error).toMatchObject({ code: 'budget_exceeded', statusCode: 429 });
        // Retry-After points at the next UTC midnight, 12 hours after the injected clock.
        expect(error.retryAfterMs).toBe(12 * 3_600_000);
      }
      expect(harness.events.filter((event) => event.name === 'budget:exceeded')).toHaveLength(
        total - fits,
      );
    },
  );

  it('reconciles to the real cost, releasing the unused reservation', async () => {
    harness = await startHarness({
      budgets: [{ name: 'daily', limitUsd: (WORST + 10) / 1e6, action: 'block' }],
    });
    // Each call really costs ceil(1 × 0.15 + 1 × 0.6) = 1 micro-dollar, so many fit one by one.
    for (let index = 0; index < 5; index += 1)
      await harness.kernel.chat(ask('hi', { maxTokens: 1000 }));
    expect((await harness.plugin.report()).totalMicros).toBe(5);
  });

  it('refuses an unpriced model under a block budget by default, or allows it flagged', async () => {
    harness = await startHarness({ budgets: [{ name: 'daily', limitUsd: 1, action: 'block' }] });
    const unknown = { ...ask('hi'), model: 'openai/no-such-model-xyz' };
    await expect(harness.kernel.chat(unknown)).rejects.toMatchObject({
      code: 'budget_unpriced_model',
      statusCode: 403,
    });
    await harness.kernel.stop();
    harness = await startHarness({
      budgets: [{ name: 'daily', limitUsd: 1, action: 'block' }],
      unpricedModels: 'allow',
    });
    await harness.kernel.chat(unknown);
    expect(await harness.plugin.report()).toMatchObject({
      records: 1,
      unpriced: 1,
      totalMicros: 0,
    });
  });

  it('cuts a stream whose metered cost would break a block budget', async () => {
    harness = await startHarness({
      budgets: [{ name: 'daily', limitUsd: 0.05, action: 'block' }],
      pricing: {
        providers: {
          openai: {
            models: { 'gpt-4o-mini': { inputPerMillionUsd: 1000, outputPerMillionUsd: 1000 } },
          },
        },
      },
    });
    // Admission reserves 18 000 + 2 000 micro-dollars; 100 streamed words estimate ~125 000.
    harness.openai.enqueue(mockStream(Array.from({ length: 100 }, () => 'word ')));
    const stream = await harness.kernel.stream(ask('hi', { maxTokens: 2 }));
    let text = '';
    const error = await (async () => {
      try {
        for await (const part of stream) if (part.type === 'text-delta') text += part.delta;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toMatchObject({ code: 'budget_exceeded' });
    expect(text.length).toBeLessThan(500);
    const report = await harness.plugin.report();
    expect(report.records).toBe(1);
    expect(report.totalMicros).toBeLessThanOrEqual(50_000 + 10_000);
  });

  it('downgrades to the free local model once the daily limit is reached', async () => {
    harness = await startHarness(
      {
        budgets: [
          { name: 'daily', limitUsd: 0.15, action: 'downgrade', timeZone: 'Europe/Berlin' },
        ],
        pricing: {
          providers: {
            openai: {
              models: { 'gpt-4o-mini': { inputPerMillionUsd: 1, outputPerMillionUsd: 100 } },
            },
          },
        },
      },
      { fallback: mockReply('word '.repeat(500)) },
    );
    const served: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await harness.kernel.chat({
        ...ask('hi', { maxTokens: 1000 }),
        model: 'chat',
      });
      served.push(response.loom.deployment.providerId);
    }
    // Worst case ceil(18 × 1 + 1000 × 100) = 100 018 micros fits the 150 000 limit once; the call
    // really costs ceil(1 × 1 + 500 × 100) = 50 001, after which not even the output fits.
    expect(served).toEqual(['openai', 'local', 'local']);
    expect(await harness.plugin.budgetStatus()).toEqual([
      expect.objectContaining({
        budget: 'daily',
        scope: 'global',
        window: '2026-01-15',
        spentMicros: 50_001,
        reservedMicros: 0,
        remainingMicros: 99_999,
        resetsAt: Date.parse('2026-01-15T23:00:00Z'),
      }),
    ]);
    // A new local day (midnight in Berlin is 23:00 UTC) resets the counter: openai again.
    harness.clock.now = Date.parse('2026-01-15T23:00:00Z');
    const next = await harness.kernel.chat({ ...ask('hi', { maxTokens: 1000 }), model: 'chat' });
    expect(next.loom.deployment.providerId).toBe('openai');
  });

  it('alerts each threshold once per window, again after the window rolls over', async () => {
    harness = await startHarness({
      budgets: [
        { name: 'daily', limitUsd: 0.00001, thresholds: [0.5, 1], timeZone: 'America/New_York' },
      ],
    });
    const thresholds = () =>
      harness?.events.filter((event) => event.name === 'budget:threshold') ?? [];
    // Each call costs ceil(4 × 0.15 + 4 × 0.6) = 3 micros of a 10 micro limit.
    for (let index = 0; index < 6; index += 1) await harness.kernel.chat(ask('one two three four'));
    expect(thresholds().map((event) => (event.payload as { threshold: number }).threshold)).toEqual(
      [0.5, 1],
    );
    expect(harness.events.filter((event) => event.name === 'alert:firing')).toHaveLength(2);
    // 2026-03-08 is the US spring-forward day; its local midnight is 05:00 UTC, the next 04:00 UTC.
    harness.clock.now = Date.parse('2026-03-08T04:59:00Z');
    await harness.kernel.chat(ask('one two three four'));
    await harness.kernel.chat(ask('one two three four'));
    expect(thresholds()).toHaveLength(3);
    harness.clock.now = Date.parse('2026-03-08T05:00:00Z');
    for (let index = 0; index < 4; index += 1) await harness.kernel.chat(ask('one two three four'));
    expect(thresholds()).toHaveLength(5);
  });
});

describe('SQLite budget counters', () => {
  it('keep spend across a restart, and refuse atomically what would pass the limit', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'loom-counters-')), 'budget.db');
    sqliteFiles.push(path);
    const first = await openSqliteBudgetCounterStore({ path });
    const expiresAt = Date.now() + 60_000;
    expect(
      first.reserve([{ key: 'daily|global|d1', amountMicros: 600, limitMicros: 1_000, expiresAt }]),
    ).toEqual({
      admitted: true,
    });
    first.settle([{ key: 'daily|global|d1', reservedMicros: 600, actualMicros: 250, expiresAt }]);
    first.close();
    const reopened = await openSqliteBudgetCounterStore({ path });
    expect(reopened.read('daily|global|d1')).toEqual({ spentMicros: 250, reservedMicros: 0 });
    // All or nothing: the second counter is full, so the first is not charged either.
    reopened.reserve([{ key: 'other', amountMicros: 100, limitMicros: 100, expiresAt }]);
    const refused = reopened.reserve([
      { key: 'daily|global|d1', amountMicros: 100, limitMicros: 1_000, expiresAt },
      { key: 'other', amountMicros: 1, limitMicros: 100, expiresAt },
    ]);
    expect(refused).toMatchObject({ admitted: false, key: 'other', limitMicros: 100 });
    expect(reopened.read('daily|global|d1')).toEqual({ spentMicros: 250, reservedMicros: 0 });
    reopened.close();
  });
});
