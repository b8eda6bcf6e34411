import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LedgerStore,
  MemoryLedger,
  openPostgresLedger,
  openSqliteLedger,
  withLedgerJournal,
} from '@loom/cost';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresReachable, postgresUrl } from './postgres-test-server.js';
import {
  appendWithReplays,
  expectRollupsMatchRecords,
  randomRanges,
  randomRecords,
  seeded,
} from './rollup-equivalence.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-rollups-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const schema = `loom_rollups_${process.pid}_${Date.now()}`;
const pool = postgresReachable ? new pg.Pool({ connectionString: postgresUrl }) : undefined;
afterAll(async () => {
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool?.end();
});

const stores: Array<[string, () => Promise<LedgerStore>, boolean]> = [
  ['memory', async () => new MemoryLedger(), true],
  ['sqlite', async () => openSqliteLedger({ path: join(directory, `l${files++}.db`) }), true],
  [
    'sqlite with a journal',
    async () => {
      const path = join(directory, `l${files++}.db`);
      return withLedgerJournal(await openSqliteLedger({ path }), {
        databasePath: path,
        batchSize: 50,
      });
    },
    true,
  ],
  [
    'postgres',
    async () => openPostgresLedger({ pool: pool!, schema, tablePrefix: `t${files++}_` }),
    postgresReachable,
  ],
];

describe.each(stores)('rollups of a %s ledger', (_name, open, available) => {
  it.skipIf(!available).each([11, 12, 13])(
    'answer every grouping over random ranges as the records sum (seed %i)',
    async (seed) => {
      const random = seeded(seed);
      const records = randomRecords(random, 700);
      const store = await open();
      await appendWithReplays(store, records, random);
      const compared = await expectRollupsMatchRecords(store, records, randomRanges(random, 36));
      expect(compared).toBe(36 * 11 * 2);
      await store.close();
    },
  );
});
