import { LoomError } from '@loom/core';
import { type CostRecord, MemoryLedger } from '@loom/cost';
import { mockError, mockHang, mockReply, mockStream } from '@loom/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, type Harness, startHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.kernel.stop();
  harness = undefined;
});

describe('costPlugin tracking', () => {
  it('records every chat attempt with its catalog cost and request metadata', async () => {
    harness = await startHarness();
    expect(harness.plugin.ledger).toBeDefined();
    const metadata = { sessionId: 's1', user: 'ann', tags: { team: 'search' } };
    await harness.kernel.chat(ask('one two three four', { metadata }));
    const report = await harness.plugin.report({ groupBy: 'tag:team' });
    // Mock usage counts words: the echo has 4 input and 4 output tokens at $0.15 / $0.60 per M.
    const expected = Math.ceil((4 * 150_000 + 4 * 600_000) / 1_000_000);
    expect(report).toMatchObject({ records: 1, totalMicros: expected, estimated: 0, unpriced: 0 });
    expect(report.groups).toEqual([
      expect.objectContaining({ key: 'search', costMicros: expected }),
    ]);
    expect((await harness.plugin.report({ groupBy: 'session' })).groups[0]?.key).toBe('s1');
    const recorded = harness.events.filter((event) => event.name === 'cost:recorded');
    expect(recorded.map((event) => event.payload)).toEqual([
      expect.objectContaining({
        costMicros: expected,
        unpriced: false,
        inputTokens: 4,
        outputTokens: 4,
        attempt: 1,
        deployment: expect.objectContaining({ id: 'openai/gpt-4o-mini' }),
        metadata,
      }),
    ]);
  });

  it("with ledgerWrites: 'request', a request's row is stored before its answer returns", async () => {
    const stored = async (ledgerWrites: 'batched' | 'request') => {
      const ledger = new MemoryLedger();
      harness = await startHarness({
        ledger,
        ledgerWrites,
        batching: { flushIntervalMs: 60_000 },
      });
      await harness.kernel.chat(ask('one two'));
      const collected = [];
      for await (const _part of await harness.kernel.stream(ask('three four')))
        collected.push(_part);
      const [total] = await ledger.query({});
      await harness.kernel.stop();
      harness = undefined;
      return total?.records ?? 0;
    };
    expect(await stored('request')).toBe(2);
    expect(await stored('batched')).toBe(0);
  });

  it("with ledgerWrites: 'request', requests finishing together share one write (group commit)", async () => {
    const ledger = new MemoryLedger();
    const batches: number[] = [];
    // Stores synchronously, as SQLite does: without grouping, each request would commit alone.
    const counting = {
      append: (records: Parameters<MemoryLedger['append']>[0]) => {
        batches.push(records.length);
        return ledger.append(records);
      },
      query: (query: Parameters<MemoryLedger['query']>[0]) => ledger.query(query),
      close: async () => {},
    };
    // Each answer arrives from its own timer callback, in one event-loop turn.
    const script = Array.from({ length: 8 }, () => mockReply('an answer', { delayMs: 1 }));
    harness = await startHarness(
      { ledger: counting, ledgerWrites: 'request', batching: { flushIntervalMs: 60_000 } },
      { script },
    );
    const asks = Array.from({ length: 8 }, (_, index) => ask(`question ${index}`));
    await Promise.all(asks.map((request) => harness?.kernel.chat(request)));
    // Every row was stored before its answer returned, in fewer writes than requests.
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(8);
    expect(batches.length).toBeLessThan(4);
    const [total] = await ledger.query({});
    expect(total?.records).toBe(8);
  });

  it("with ledgerWrites: 'request', a store that keeps rows durably on the spot takes each as its attempt ends", async () => {
    const ledger = new MemoryLedger();
    const onTheSpot: string[] = [];
    const queued: string[] = [];
    let full = false;
    const journaled = {
      appendSync: (records: Parameters<MemoryLedger['append']>[0]) => {
        if (full) throw new Error('ENOSPC: no space left on device, write');
        for (const record of records) onTheSpot.push(record.requestId);
        void ledger.append(records);
      },
      append: async (records: Parameters<MemoryLedger['append']>[0]) => {
        for (const record of records) queued.push(record.requestId);
        await ledger.append(records);
      },
      query: (query: Parameters<MemoryLedger['query']>[0]) => ledger.query(query),
      close: async () => {},
    };
    harness = await startHarness({
      ledger: journaled,
      ledgerWrites: 'request',
      batching: { flushIntervalMs: 60_000 },
    });
    const errors: unknown[] = [];
    harness.kernel.events.on('listener:error', (event) => errors.push(event.error));
    const first = await harness.kernel.chat(ask('one two'));
    expect(onTheSpot).toEqual([first.loom?.requestId]);
    expect(queued).toEqual([]);
    // It cannot: the row goes through the queue, and the answer waits until it is stored.
    full = true;
    const second = await harness.kernel.chat(ask('three four'));
    expect(queued).toEqual([second.loom?.requestId]);
    expect(String(errors[0])).toContain('ENOSPC');
    const [total] = await ledger.query({});
    expect(total?.records).toBe(2);
  });

  it("with ledgerWrites: 'request', concurrent requests share one write per turn into a store that takes rows on the spot", async () => {
    const ledger = new MemoryLedger();
    const syncWrites: number[] = [];
    const appends: number[] = [];
    let full = false;
    const journaled = {
      appendSync: (records: Parameters<MemoryLedger['append']>[0]) => {
        if (full) throw new Error('ENOSPC: no space left on device, write');
        syncWrites.push(records.length);
        void ledger.append(records);
      },
      append: async (records: Parameters<MemoryLedger['append']>[0]) => {
        appends.push(records.length);
        await ledger.append(records);
      },
      query: (query: Parameters<MemoryLedger['query']>[0]) => ledger.query(query),
      close: async () => {},
    };
    const script = Array.from({ length: 16 }, () => mockReply('an answer', { delayMs: 1 }));
    harness = await startHarness(
      { ledger: journaled, ledgerWrites: 'request', batching: { flushIntervalMs: 60_000 } },
      { script },
    );
    const errors: unknown[] = [];
    harness.kernel.events.on('listener:error', (event) => errors.push(event.error));
    const eight = () => Array.from({ length: 8 }, (_, index) => ask(`question ${index}`));
    await Promise.all(eight().map((request) => harness?.kernel.chat(request)));
    // Every row went straight to the store, in fewer writes than requests.
    expect(syncWrites.reduce((sum, size) => sum + size, 0)).toBe(8);
    expect(syncWrites.length).toBeLessThan(4);
    expect(appends).toEqual([]);
    // When the store cannot take them, the rows go through the queue and the answers wait for it.
    full = true;
    await Promise.all(eight().map((request) => harness?.kernel.chat(request)));
    expect(appends.reduce((sum, size) => sum + size, 0)).toBe(8);
    expect(String(errors[0])).toContain('ENOSPC');
    const [total] = await ledger.query({});
    expect(total?.records).toBe(16);
  });

  it("with ledgerWrites: 'request', the row is stored before the budget counter is settled", async () => {
    // Counters that lose their data (Redis restarted empty) are reseeded from the ledger: a row
    // stored after its settle could be missing from both. Stored first, it can only count twice.
    const ledger = new MemoryLedger();
    const spentAtAppend: number[] = [];
    const watching = {
      append: async (records: Parameters<MemoryLedger['append']>[0]) => {
        const [daily] = (await harness?.plugin.budgetStatus()) ?? [];
        spentAtAppend.push(daily?.spentMicros ?? -1);
        return ledger.append(records);
      },
      query: (query: Parameters<MemoryLedger['query']>[0]) => ledger.query(query),
      close: async () => {},
    };
    harness = await startHarness({
      ledger: watching,
      ledgerWrites: 'request',
      batching: { flushIntervalMs: 60_000 },
      budgets: [{ name: 'daily', limitUsd: 10, action: 'block' }],
    });
    await harness.kernel.chat(ask('one two'));
    const [daily] = await harness.plugin.budgetStatus();
    expect(daily?.spentMicros).toBeGreaterThan(0);
    expect(spentAtAppend).toEqual([0]);
  });

  it('does not hold answers hostage to a ledger that hangs: it waits ledgerWaitMs at most', async () => {
    let release = () => {};
    const hanging = {
      append: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      query: async () => [],
      close: async () => {},
    };
    harness = await startHarness({ ledger: hanging, ledgerWrites: 'request', ledgerWaitMs: 50 });
    const answer = await harness.kernel.chat(ask('one two'));
    expect(answer.message.content).toBeTruthy();
    expect(harness.plugin.ledger?.pending).toBe(0); // taken by the hanging append, not lost
    release();
  });

  it('records embeddings and local runtimes (free) with their type', async () => {
    harness = await startHarness();
    await harness.kernel.embed({ model: 'openai/text-embedding-3-small', input: ['a b c'] });
    await harness.kernel.chat({ ...ask('hi'), model: 'local/llama3' });
    const report = await harness.plugin.report({ groupBy: 'provider' });
    expect(report.groups.map((group) => [group.key, group.records])).toEqual([
      ['local', 1],
      ['openai', 1],
    ]);
    expect(report.groups[0]?.costMicros).toBe(0);
    expect(report.groups[1]?.costMicros).toBeGreaterThan(0);
  });

  it('meters a stream without a usage chunk: it still costs more than 0, flagged estimated', async () => {
    harness = await startHarness();
    harness.openai.enqueue(
      mockStream(['some ', 'streamed ', 'words', { type: 'finish', finishReason: 'stop' }]),
    );
    const stream = await harness.kernel.stream(ask('tell me'));
    for await (const _part of stream) {
      // drain
    }
    const report = await harness.plugin.report();
    expect(report).toMatchObject({ records: 1, estimated: 1 });
    expect(report.totalMicros).toBeGreaterThan(0);
  });

  it('charges a cancelled stream for its input plus what was streamed', async () => {
    harness = await startHarness();
    harness.openai.enqueue(
      mockStream(['a '.repeat(50), 'b '.repeat(50), 'c '.repeat(50)], { chunkDelayMs: 20 }),
    );
    const stream = await harness.kernel.stream(ask('go'));
    for await (const part of stream) {
      if (part.type === 'text-delta') break;
    }
    const report = await harness.plugin.report();
    expect(report.records).toBe(1);
    expect(report.estimated).toBe(1);
    expect(report.outputTokens).toBeGreaterThan(0);
  });

  it('charges a chat its caller abandoned mid-call for the input it sent: output 0, estimated, error aborted', async () => {
    const ledger = new MemoryLedger();
    const rows: CostRecord[] = [];
    const capturing = {
      append: (records: readonly CostRecord[]) => {
        rows.push(...records);
        return ledger.append(records);
      },
      query: (query: Parameters<MemoryLedger['query']>[0]) => ledger.query(query),
      close: async () => {},
    };
    harness = await startHarness({ ledger: capturing });
    harness.openai.enqueue(mockHang());
    const caller = new AbortController();
    const answer = harness.kernel.chat(ask('a question nobody waits for'), {
      signal: caller.signal,
    });
    setTimeout(() => caller.abort(new Error('client disconnected')), 10);
    await expect(answer).rejects.toThrow();
    await harness.plugin.report();
    expect(rows).toEqual([
      expect.objectContaining({
        outputTokens: 0,
        estimated: true,
        metadata: expect.objectContaining({ error: 'aborted' }),
      }),
    ]);
    expect(rows[0]?.inputTokens).toBeGreaterThan(0);
    expect(rows[0]?.costMicros).toBeGreaterThan(0);
  });

  it('counts a billed failed attempt', async () => {
    harness = await startHarness();
    harness.openai.enqueue(
      mockStream(['partial ', 'answer '], {
        failAfter: {
          chunks: 2,
          error: () => new LoomError({ code: 'connection_error', message: 'reset' }),
        },
      }),
    );
    const stream = await harness.kernel.stream(ask('go'));
    await expect(async () => {
      for await (const _part of stream) {
        // drain
      }
    }).rejects.toThrow();
    const report = await harness.plugin.report();
    expect(report.records).toBe(1);
    expect(report.totalMicros).toBeGreaterThan(0);
  });

  it('writes no record for an attempt that consumed nothing', async () => {
    harness = await startHarness();
    harness.openai.enqueue(
      mockError(new LoomError({ code: 'invalid_request', message: 'bad', statusCode: 400 })),
    );
    await expect(harness.kernel.chat(ask('x'))).rejects.toThrow();
    expect((await harness.plugin.report()).records).toBe(0);
  });
});
