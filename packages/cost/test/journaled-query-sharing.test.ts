import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LedgerGroup, type LedgerStore, MemoryLedger, withLedgerJournal } from '@loom/cost';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-journal-sharing-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A memory ledger whose answers (as of the read's start) wait for the test; reads are counted. */
function slowStore() {
  const inner = new MemoryLedger();
  const waiting: Array<() => void> = [];
  const store: LedgerStore & { reads: number; release(): void } = {
    reads: 0,
    append: (records) => inner.append(records),
    async query(query): Promise<LedgerGroup[]> {
      store.reads += 1;
      const answer = await inner.query(query);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return answer;
    },
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
    close: () => inner.close(),
  };
  return store;
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
};

describe('a journaled ledger asked the same thing at once', () => {
  it('flushes and reads once for concurrent identical queries, and afresh after an append', async () => {
    const store = slowStore();
    const ledger = await withLedgerJournal(store, {
      databasePath: join(directory, 'shared.db'),
    });
    await ledger.append([makeRecord({ id: 'a' })]);
    const first = Array.from({ length: 5 }, () => ledger.query({ groupBy: 'provider' }));
    const other = ledger.query({ groupBy: 'model' });
    await until(() => store.reads === 2);
    // Appended while those reads are in flight: a query from now on must see it.
    await ledger.append([makeRecord({ id: 'b' })]);
    const later = ledger.query({ groupBy: 'provider' });
    await until(() => store.reads === 3);
    store.release();
    const answers = await Promise.all(first);
    expect(answers.map((groups) => groups[0]?.records)).toEqual([1, 1, 1, 1, 1]);
    expect(answers[0]).not.toBe(answers[1]);
    expect((await other)[0]?.records).toBe(1);
    expect((await later)[0]?.records).toBe(2);
    expect(store.reads).toBe(3);
    await ledger.close();
  });
});
