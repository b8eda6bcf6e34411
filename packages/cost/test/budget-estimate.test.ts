import type { ChatRequest, KernelEvents, LoomError } from '@loom/core';
import { mockReply, recordMetrics } from '@loom/testkit';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, type Harness, startHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.kernel.stop();
  harness = undefined;
});

// o1-pro's list prices: input dominates the worst case of a short answer.
const PRICEY = {
  providers: {
    openai: { models: { 'gpt-4o-mini': { inputPerMillionUsd: 150, outputPerMillionUsd: 600 } } },
  },
};

// Classical Chinese: 300 characters are 375 o200k tokens; the old estimate said 108.
const CJK = '蒹葭蒼蒼白露為霜所謂伊人在水一方溯洄從之道阻且長溯游從之宛在水中央'
  .repeat(10)
  .slice(0, 300);
const ENGLISH =
  'Summarise the quarterly report for the board: revenue grew in every region, costs fell, and the new product line shipped two weeks early. List three risks for next quarter. '
    .repeat(2)
    .slice(0, 300);

/** What OpenAI bills for a chat's prompt: tokens of each message plus 3 per message and 3. */
function billedInput(request: ChatRequest): number {
  let tokens = 3;
  for (const message of request.messages) {
    tokens += 3 + countTokens(typeof message.content === 'string' ? message.content : '');
  }
  return tokens;
}

/** An upstream that answers `ok` after `delayMs` and reports the prompt as OpenAI would bill it. */
function billingUpstream(delayMs: number) {
  return {
    fallback: (request: unknown) =>
      mockReply('ok', { delayMs, usage: { inputTokens: billedInput(request as ChatRequest) } }),
  };
}

/** The worst case, in micros, that admission reserved before: characters / 3 plus 8 a message. */
function oldWorstCase(text: string, maxTokens: number, inputPrice: number, outputPrice: number) {
  const inputTokens = Math.ceil((text.length + 1) / 3) + 8;
  return Math.ceil(inputTokens * inputPrice + maxTokens * outputPrice);
}

async function burst(count: number, request: () => ChatRequest) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => (harness as Harness).kernel.chat(request())),
  );
  const refused = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as LoomError] : [],
  );
  for (const error of refused) expect(error).toMatchObject({ code: 'budget_exceeded' });
  return results.length - refused.length;
}

let overReservations: Array<KernelEvents['budget:over-reservation']> = [];

async function start(...args: Parameters<typeof startHarness>) {
  harness = await startHarness(...args);
  overReservations = [];
  harness.kernel.events.on('budget:over-reservation', (event) => overReservations.push(event));
  return harness;
}

describe('admission estimate', () => {
  it('keeps 50 concurrent requests of 300 CJK characters within a $1 block budget', async () => {
    harness = await start(
      { budgets: [{ name: 'daily', limitUsd: 1, action: 'block' }], pricing: PRICEY },
      billingUpstream(30),
    );
    const admitted = await burst(50, () => ask(CJK, { maxTokens: 16 }));
    const report = await harness.plugin.report();
    expect(admitted).toBeGreaterThan(0);
    expect(report.records).toBe(admitted);
    expect(report.totalMicros).toBeLessThanOrEqual(1_000_000);
    expect(overReservations).toEqual([]);
  });

  it('admits an English prompt one after another at least as often as before', async () => {
    harness = await start(
      { budgets: [{ name: 'daily', limitUsd: 1, action: 'block' }], pricing: PRICEY },
      billingUpstream(0),
    );
    // Each call really costs (70 × 150 + 1 × 600) micros; the old estimate reserved 25 800.
    const cost = billedInput(ask(ENGLISH)) * 150 + 600;
    const before = Math.floor((1_000_000 - oldWorstCase(ENGLISH, 16, 150, 600)) / cost) + 1;
    let admitted = 0;
    for (;;) {
      try {
        await harness.kernel.chat(ask(ENGLISH, { maxTokens: 16 }));
        admitted += 1;
      } catch (error) {
        expect(error).toMatchObject({ code: 'budget_exceeded' });
        break;
      }
    }
    expect(admitted).toBeGreaterThanOrEqual(before);
  });

  it.each([
    // Without maxTokens the output (4096 tokens) dominates the worst case, as in most requests.
    ['output', undefined, 0.15, 0.6],
    ['input', 16, 150, 600],
  ] as const)(
    'admits a concurrent English burst within one request of the old estimate (%s-dominated)',
    async (_dominated, maxTokens, inputPrice, outputPrice) => {
      const fits = 20;
      const old = oldWorstCase(ENGLISH, maxTokens ?? 4096, inputPrice, outputPrice);
      const price = { inputPerMillionUsd: inputPrice, outputPerMillionUsd: outputPrice };
      harness = await start(
        {
          budgets: [{ name: 'daily', limitUsd: (fits * old + 1) / 1e6, action: 'block' }],
          pricing: { providers: { openai: { models: { 'gpt-4o-mini': price } } } },
        },
        billingUpstream(30),
      );
      const admitted = await burst(50, () => ask(ENGLISH, maxTokens ? { maxTokens } : {}));
      expect(admitted).toBeGreaterThanOrEqual(fits - 1);
    },
  );

  it('reports a request whose upstream billed more than was reserved: event and metric', async () => {
    harness = await start(
      { budgets: [{ name: 'daily', limitUsd: 1, action: 'block' }] },
      { fallback: mockReply('ok', { usage: { inputTokens: 100_000 } }) },
    );
    const metrics = recordMetrics(harness.kernel.events);
    const response = await harness.kernel.chat(ask('hi', { maxTokens: 16 }));
    // Reserved: (2 bytes + 16 markup) × 0.15 + 16 × 0.6 micros; billed 100 000 × 0.15 + 1 × 0.6.
    expect(overReservations).toEqual([
      {
        budget: 'daily',
        scope: 'global',
        reservedMicros: 13,
        actualMicros: 15_001,
        requestId: response.loom.requestId,
        timestamp: harness.clock.now,
      },
    ]);
    const attributes = { 'loom.budget.name': 'daily', 'loom.budget.scope': 'global' };
    expect(metrics.metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'loom.budget.over_reservation',
          kind: 'counter',
          value: 1,
          attributes,
        }),
        expect.objectContaining({
          name: 'loom.budget.over_reservation.excess',
          kind: 'counter',
          value: 0.014988,
          unit: 'USD',
          attributes,
        }),
      ]),
    );
    metrics.stop();
  });

  it('reports nothing when the upstream billed what was reserved or less', async () => {
    harness = await start(
      { budgets: [{ name: 'daily', limitUsd: 1, action: 'block' }] },
      billingUpstream(0),
    );
    const metrics = recordMetrics(harness.kernel.events);
    for (const text of [ENGLISH, CJK, 'hi']) await harness.kernel.chat(ask(text));
    expect(overReservations).toEqual([]);
    expect(metrics.metrics.filter((metric) => metric.name.startsWith('loom.budget'))).toEqual([]);
    metrics.stop();
  });
});
