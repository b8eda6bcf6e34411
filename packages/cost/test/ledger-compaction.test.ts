import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CostRecord,
  type LedgerStore,
  MemoryLedger,
  openPostgresLedger,
  openSqliteLedger,
  withLedgerJournal,
} from '@loom/cost';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { addToRollups, type RollupEntry } from '../src/ledger/rollup-entries.js';
import { postgresReachable, postgresUrl } from './postgres-test-server.js';
import { expectedGroups, HOUR, randomRecords, START, seeded } from './rollup-equivalence.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-compaction-'));
const schema = `loom_compact_pg_${process.pid}_${Date.now()}`;
const pool = postgresReachable ? new pg.Pool({ connectionString: postgresUrl }) : undefined;
const opened: LedgerStore[] = [];
let files = 0;
afterAll(async () => {
  await Promise.all(opened.map((ledger) => ledger.close()));
  rmSync(directory, { recursive: true, force: true });
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool?.end();
});

const stores: Array<[string, () => Promise<LedgerStore>, boolean]> = [
  ['memory', async () => new MemoryLedger(), true],
  ['sqlite file', () => openSqliteLedger({ path: join(directory, `l${files++}.db`) }), true],
  [
    'sqlite with a journal',
    async () => {
      const path = join(directory, `l${files++}.db`);
      return withLedgerJournal(await openSqliteLedger({ path }), { databasePath: path });
    },
    true,
  ],
  [
    `postgres${postgresReachable ? '' : ` (skipped: no server at ${postgresUrl})`}`,
    () => openPostgresLedger({ pool: pool!, schema, tablePrefix: `c${files++}_` }),
    postgresReachable,
  ],
];

/** Rollup rows the records before `bucket` make, as every store counts them. */
function rollupRowsBefore(records: readonly CostRecord[], bucket: number): number {
  const entries = new Map<string, RollupEntry>();
  for (const record of records) if (record.time < bucket * HOUR) addToRollups(entries, record);
  return entries.size;
}

describe.each(stores)('compaction of a %s ledger', (_name, open, enabled) => {
  it.skipIf(!enabled)(
    'deletes raw rows before the hour edge in steps and keeps reports whole',
    async () => {
      const ledger = await open();
      opened.push(ledger);
      const records = randomRecords(seeded(24), 400);
      await ledger.append(records);
      const byModel = await ledger.query({ groupBy: 'model' });
      const rawEdge = START + 50 * HOUR;
      const keptRows = records.filter((record) => record.time >= rawEdge);

      // An edge inside an hour keeps that hour's rows: its rollups need them for cut ranges.
      const first = await ledger.compact!({ rawBefore: rawEdge + HOUR / 2, stepRows: 7 });
      expect(first).toEqual({ rawDeleted: records.length - keptRows.length, rollupsDeleted: 0 });
      expect(await ledger.query({ groupBy: 'model', rawScan: true })).toEqual(
        expectedGroups(keptRows, { groupBy: 'model' }),
      );
      expect(await ledger.query({ groupBy: 'model' })).toEqual(byModel);
      expect(await ledger.query({ groupBy: 'day' })).toEqual(
        expectedGroups(records, { groupBy: 'day' }),
      );

      const rollupEdge = START + 20 * HOUR;
      await expect(
        ledger.compact!({ rawBefore: rollupEdge, rollupsBefore: rawEdge }),
      ).rejects.toThrow(RangeError);
      const second = await ledger.compact!({
        rawBefore: rawEdge,
        rollupsBefore: rollupEdge + 1,
        stepRows: 5,
      });
      expect(second).toEqual({
        rawDeleted: 0,
        rollupsDeleted: rollupRowsBefore(records, rollupEdge / HOUR),
      });
      const recent = records.filter((record) => record.time >= rollupEdge);
      expect(await ledger.query({ groupBy: 'model' })).toEqual(
        expectedGroups(recent, { groupBy: 'model' }),
      );
      expect(await ledger.query({ groupBy: 'tag' })).toEqual(
        expectedGroups(recent, { groupBy: 'tag' }),
      );
    },
  );
});
