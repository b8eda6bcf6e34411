import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CostRecord,
  type LedgerStore,
  MemoryLedger,
  openSqliteLedger,
  withLedgerJournal,
} from '@loom/cost';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeRecord, testLedgerStore } from './ledger-conformance.js';

const here = dirname(fileURLToPath(import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'loom-cost-journal-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(directory, `ledger-${files++}.db`);
const line = (id: string) => `${JSON.stringify(makeRecord({ id }))}\n`;
const journalOf = (path: string, pid: number, host = hostname()) =>
  `${path}.journal-${host}-${pid}-1`;

testLedgerStore('sqlite with a journal', async () => {
  const path = freshPath();
  return withLedgerJournal(await openSqliteLedger({ path }), { databasePath: path });
});

/** Runs the journaled writer in a child, kills it with SIGKILL once it has journaled `count`. */
async function killedWriter(path: string, count: number): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@loom/source',
      '--import',
      'tsx',
      join(here, 'fixtures/journaled-writer.ts'),
      path,
      String(count),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const journal = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /journaled \d+ (\S+)\n/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`writer exited early with ${code}: ${output}`)));
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return journal;
}

describe('a ledger with a journal', () => {
  it('answers an append from the journal and copies to the store off the request path', async () => {
    vi.useFakeTimers();
    try {
      const path = freshPath();
      const store = new MemoryLedger();
      const ledger = await withLedgerJournal(store, { databasePath: path, flushIntervalMs: 100 });
      await ledger.append([makeRecord({ id: 'a' }), makeRecord({ id: 'b' })]);
      expect(store.size).toBe(0);
      expect(readFileSync(ledger.journalPath, 'utf8')).toBe(line('a') + line('b'));
      await vi.advanceTimersByTimeAsync(100);
      expect(store.size).toBe(2);
      // Everything in it is stored: emptied, so it never holds more than a flush's worth.
      expect(readFileSync(ledger.journalPath, 'utf8')).toBe('');
      await ledger.append([makeRecord({ id: 'c' })]);
      expect(readFileSync(ledger.journalPath, 'utf8')).toBe(line('c'));
      // A query sees what is still on its way.
      expect((await ledger.query())[0]?.records).toBe(3);
      await ledger.close();
      expect(existsSync(ledger.journalPath)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('loses nothing when its process is killed before the copy into SQLite', async () => {
    const path = freshPath();
    const journal = await killedWriter(path, 300);
    const plain = await openSqliteLedger({ path });
    expect(await plain.query()).toEqual([]);
    await plain.close();
    const errors: unknown[] = [];
    const reopened = await withLedgerJournal(await openSqliteLedger({ path }), {
      databasePath: path,
      onError: (error) => errors.push(error),
    });
    expect(reopened.recovered).toBe(300);
    expect(existsSync(journal)).toBe(false);
    await reopened.close();
    const check = await openSqliteLedger({ path });
    expect((await check.query())[0]).toMatchObject({ records: 300, costMicros: 600 });
    await check.close();
    expect(errors).toEqual([]);
  }, 30_000);

  it('drops a last line the crash cut short, and keeps a damaged journal aside', async () => {
    const torn = freshPath();
    writeFileSync(journalOf(torn, 999_999_991), `${line('x')}${line('y')}{"id":"z","ti`);
    const first = await withLedgerJournal(new MemoryLedger(), { databasePath: torn });
    expect(first.recovered).toBe(2);
    expect(existsSync(journalOf(torn, 999_999_991))).toBe(false);
    await first.close();

    const damaged = freshPath();
    const file = journalOf(damaged, 999_999_992);
    writeFileSync(file, `${line('x')}not a record\n${line('y')}`);
    const errors: Error[] = [];
    const store = new MemoryLedger();
    const second = await withLedgerJournal(store, {
      databasePath: damaged,
      onError: (error) => errors.push(error as Error),
    });
    expect(store.size).toBe(2);
    expect(errors[0]?.message).toContain(`${file} had 1 damaged line(s)`);
    expect(existsSync(`${file}.bad`)).toBe(true);
    await second.close();
  });

  it("leaves a running process's journal and another host's alone", async () => {
    const path = freshPath();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const live = journalOf(path, sleeper.pid ?? 0);
      const elsewhere = journalOf(path, 999_999_993, 'another-host');
      writeFileSync(live, line('live'));
      writeFileSync(elsewhere, line('elsewhere'));
      const store = new MemoryLedger();
      const ledger = await withLedgerJournal(store, { databasePath: path });
      expect(ledger.recovered).toBe(0);
      expect(readFileSync(live, 'utf8')).toBe(line('live'));
      expect(readFileSync(elsewhere, 'utf8')).toBe(line('elsewhere'));
      await ledger.close();
    } finally {
      sleeper.kill();
    }
  });

  it('gives two ledgers open on one file in one process a journal each', async () => {
    const path = freshPath();
    const first = await withLedgerJournal(new MemoryLedger(), { databasePath: path });
    await first.append([makeRecord({ id: 'one' })]);
    const second = await withLedgerJournal(new MemoryLedger(), { databasePath: path });
    expect(second.recovered).toBe(0);
    expect(second.journalPath).not.toBe(first.journalPath);
    expect(readFileSync(first.journalPath, 'utf8')).toBe(line('one'));
    await second.close();
    await first.close();
  });

  it('keeps journaled records until a store whose server is away has really stored them', async () => {
    const path = freshPath();
    const stored = new MemoryLedger();
    const waiting: CostRecord[] = [];
    let away = true;
    // Like the PostgreSQL ledger in an outage: `append` resolves with the records in memory.
    const store: LedgerStore = {
      append: async (records) => {
        if (away) waiting.push(...records);
        else await stored.append(records);
      },
      health: () => ({
        state: away ? 'down' : 'ready',
        queuedRows: waiting.length,
        refusedRows: 0,
      }),
      query: (query) => stored.query(query),
      close: async () => {},
    };
    const ledger = await withLedgerJournal(store, { databasePath: path, flushIntervalMs: 60_000 });
    await ledger.append([makeRecord({ id: 'waiting' })]);
    await ledger.query();
    expect(readFileSync(ledger.journalPath, 'utf8')).toBe(line('waiting'));
    expect(ledger.health?.()).toMatchObject({ state: 'down', queuedRows: 1 });

    // The server is back and the store has stored what waited.
    away = false;
    await stored.append(waiting.splice(0));
    await ledger.append([makeRecord({ id: 'next' })]);
    await ledger.query();
    expect(readFileSync(ledger.journalPath, 'utf8')).toBe('');
    expect((await ledger.query())[0]?.records).toBe(2);
    await ledger.close();
  });

  it('keeps the journal for the next start when the store cannot take the last records', async () => {
    const path = freshPath();
    const failing: LedgerStore = {
      append: async () => {
        throw new Error('disk I/O error');
      },
      query: async () => [],
      close: async () => {},
    };
    const errors: unknown[] = [];
    const ledger = await withLedgerJournal(failing, {
      databasePath: path,
      onError: (error) => errors.push(error),
    });
    await ledger.append([makeRecord({ id: 'kept' })]);
    await ledger.close();
    expect(errors.length).toBeGreaterThan(0);
    expect(readFileSync(ledger.journalPath, 'utf8')).toBe(line('kept'));
    await expect(ledger.append([makeRecord({ id: 'late' })])).rejects.toThrow(/closed/);
    // This process's own pid: a previous life, so the next open replays it.
    const store = new MemoryLedger();
    const next = await withLedgerJournal(store, { databasePath: path });
    expect(next.recovered).toBe(1);
    await next.close();
  });
});
