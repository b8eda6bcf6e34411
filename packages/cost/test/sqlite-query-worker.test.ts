import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteLedger } from '@loom/cost';
import { afterAll, describe, expect, it } from 'vitest';
import { betterSqlitePath, SqliteQueryWorker } from '../src/ledger/sqlite-query-worker.js';
import { makeRecord as record } from './ledger-conformance.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-query-worker-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// About a second of SQLite work on any machine this runs on.
const SLOW_COUNT =
  'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) SELECT count(*) AS c FROM n';

async function ledgerFile(name: string): Promise<string> {
  const path = join(directory, name);
  const ledger = await openSqliteLedger({ path, queryThread: 'main' });
  await ledger.append([record({ id: 'a', costMicros: 5 })]);
  await ledger.close();
  return path;
}

describe('SQLite reports on a worker thread', () => {
  it('leaves the event loop free while a long read runs', async () => {
    const worker = new SqliteQueryWorker({
      path: await ledgerFile('slow.db'),
      modulePath: betterSqlitePath(),
    });
    try {
      let ticks = 0;
      const timer = setInterval(() => {
        ticks += 1;
      }, 5);
      const rows = await worker.all(SLOW_COUNT, [3_000_000]);
      clearInterval(timer);
      expect(rows).toEqual([{ c: 3_000_000 }]);
      // On the main thread the read would run to its end before any timer fired.
      expect(ticks).toBeGreaterThan(3);
    } finally {
      await worker.close();
    }
  });

  it('reports a bad statement as an error naming it, and keeps answering after', async () => {
    const worker = new SqliteQueryWorker({
      path: await ledgerFile('errors.db'),
      modulePath: betterSqlitePath(),
    });
    try {
      await expect(worker.all('SELECT * FROM no_such_table', [])).rejects.toMatchObject({
        name: 'SqliteError',
        code: 'SQLITE_ERROR',
        message: expect.stringContaining('no_such_table'),
      });
      expect(await worker.all('SELECT count(*) AS c FROM loom_cost_records', [])).toEqual([
        { c: 1 },
      ]);
    } finally {
      await worker.close();
    }
  });

  it('is read-only: a write through it fails and the ledger keeps its rows', async () => {
    const path = await ledgerFile('readonly.db');
    const worker = new SqliteQueryWorker({ path, modulePath: betterSqlitePath() });
    try {
      await expect(
        worker.all('DELETE FROM loom_cost_records RETURNING id', []),
      ).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    } finally {
      await worker.close();
    }
    const ledger = await openSqliteLedger({ path });
    expect((await ledger.query())[0]?.costMicros).toBe(5);
    await ledger.close();
  });

  it('sees each append as soon as it returns, and a query in flight at close fails clearly', async () => {
    const ledger = await openSqliteLedger({ path: join(directory, 'fresh.db') });
    for (let index = 0; index < 5; index += 1) {
      await ledger.append([record({ id: `r${index}`, costMicros: 10 })]);
      expect((await ledger.query())[0]?.costMicros).toBe(10 * (index + 1));
    }
    await ledger.close();
    const worker = new SqliteQueryWorker({
      path: await ledgerFile('closing.db'),
      modulePath: betterSqlitePath(),
    });
    const running = worker.all(SLOW_COUNT, [50_000_000]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.close();
    await expect(running).rejects.toThrow(/closed while a query was running|exited/);
  });
});
