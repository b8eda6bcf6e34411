import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteLedger, withLedgerJournal } from '@loom/cost';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendWithReplays,
  expectedGroups,
  expectRollupsMatchRecords,
  HOUR,
  randomRanges,
  randomRecords,
  START,
  seeded,
} from './rollup-equivalence.js';

const here = dirname(fileURLToPath(import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'loom-rollup-recovery-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(directory, `ledger-${files++}.db`);
const ALL_ROLLED = Number.MAX_SAFE_INTEGER;

function child(fixture: string, ...args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--conditions=@loom/source', '--import', 'tsx', join(here, 'fixtures', fixture), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

const killed = (process: ChildProcess) =>
  new Promise((resolve) => {
    process.once('exit', resolve);
    process.kill('SIGKILL');
  });

/** A ledger file as an earlier version left it: rows, and no rollups. */
async function ledgerWithoutRollups(path: string, seed: number, count: number) {
  const random = seeded(seed);
  const records = randomRecords(random, count);
  const writer = await openSqliteLedger({ path });
  await appendWithReplays(writer, records, random);
  await writer.close();
  const database = new Database(path);
  database.exec('DROP TABLE loom_cost_records_rollups; DROP TABLE loom_cost_records_rollup_state');
  database.close();
  return { records, random };
}

const markOf = (path: string) => {
  const database = new Database(path, { readonly: true });
  try {
    return database
      .prepare('SELECT rolled_before FROM loom_cost_records_rollup_state')
      .pluck()
      .get() as number | undefined;
  } catch {
    return undefined;
  } finally {
    database.close();
  }
};

describe('sqlite rollups across restarts and crashes', () => {
  it('answers whole hours from the rollups alone and cut hours from rows', async () => {
    const path = freshPath();
    const ledger = await openSqliteLedger({ path });
    const records = randomRecords(seeded(5), 300);
    await ledger.append(records);
    const database = new Database(path);
    database.prepare('DELETE FROM loom_cost_records').run();
    database.close();
    const whole = { from: START, to: START + 200 * HOUR, groupBy: 'model' as const };
    expect(await ledger.query(whole)).toEqual(expectedGroups(records, whole));
    expect(await ledger.query({ ...whole, rawScan: true })).toEqual([]);
    expect(await ledger.query({ from: START + 1, to: START + HOUR })).toEqual([]);
    await ledger.close();
  });

  it('rolls up, in steps and once, the rows of a ledger written before rollups existed', async () => {
    const path = freshPath();
    const { records, random } = await ledgerWithoutRollups(path, 21, 900);
    const ledger = await openSqliteLedger({ path, rollupStepRows: 64 });
    expect(markOf(path)).toBe(ALL_ROLLED);
    await expectRollupsMatchRecords(ledger, records, randomRanges(random, 12));
    await ledger.close();
    const reopened = await openSqliteLedger({ path, rollupStepRows: 64 });
    expect(await reopened.query({ groupBy: 'day' })).toEqual(
      expectedGroups(records, { groupBy: 'day' }),
    );
    await reopened.close();
  });

  it('resumes a roll-up killed halfway without counting a row twice', async () => {
    const path = freshPath();
    const { records, random } = await ledgerWithoutRollups(path, 22, 12_000);
    const oldest = Math.min(...records.map((record) => record.time));
    const backfiller = child('rollup-backfiller.ts', path, '10');
    let mark = markOf(path);
    // Killed once some steps are done and some are not.
    while (mark === undefined || mark <= oldest || mark === ALL_ROLLED) {
      if (mark === ALL_ROLLED) throw new Error('the roll-up finished before it could be killed');
      await new Promise((resolve) => setTimeout(resolve, 2));
      mark = markOf(path);
    }
    await killed(backfiller);
    expect(markOf(path)).toBeLessThan(ALL_ROLLED);
    const ledger = await openSqliteLedger({ path });
    await expectRollupsMatchRecords(ledger, records, randomRanges(random, 8));
    await ledger.close();
  });

  it('agrees with its rows after a journaled writer is killed mid-copy and its journal replayed', async () => {
    // A kill can land just after a copy emptied the journal: then nothing is replayed. Every
    // attempt must agree; at least one must have replayed rows for the case to be tested.
    let replayed = 0;
    for (let round = 0; round < 5 && replayed === 0; round++) {
      const path = freshPath();
      const writer = child('rolling-writer.ts', path, '23');
      await new Promise<void>((resolve, reject) => {
        let output = '';
        writer.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (/journaled 3000\n/.test(output)) resolve();
        });
        writer.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      });
      await killed(writer);
      const ledger = await withLedgerJournal(await openSqliteLedger({ path }), {
        databasePath: path,
      });
      replayed = ledger.recovered;
      const [total] = await ledger.query({ rawScan: true });
      const stored = total?.records ?? 0;
      expect(stored).toBeGreaterThanOrEqual(3000);
      const random = seeded(23);
      const journaled = randomRecords(random, 200_000).slice(0, stored);
      await expectRollupsMatchRecords(ledger, journaled, randomRanges(random, 8));
      await ledger.close();
    }
    expect(replayed).toBeGreaterThan(0);
  }, 60_000);
});
