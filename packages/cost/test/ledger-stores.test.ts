import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLedger, openPostgresLedger, openSqliteLedger } from '@loom/cost';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRecord, testLedgerStore } from './ledger-conformance.js';
import { postgresReachable, postgresUrl } from './postgres-test-server.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-cost-'));
let files = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

testLedgerStore('memory', async () => new MemoryLedger());
testLedgerStore('sqlite', async () =>
  openSqliteLedger({ path: join(directory, `ledger-${files++}.db`) }),
);

describe('sqlite ledger', () => {
  it('survives a restart: reopening the file finds the records', async () => {
    const path = join(directory, 'restart.db');
    const first = await openSqliteLedger({ path });
    await first.append([makeRecord({ id: 'kept', costMicros: 7 })]);
    await first.close();
    const second = await openSqliteLedger({ path });
    expect((await second.query())[0]).toMatchObject({ records: 1, costMicros: 7 });
    await second.close();
  });
});

const schema = `loom_cost_test_${process.pid}_${Date.now()}`;
let tables = 0;

describe.skipIf(!postgresReachable)(
  `postgres ledger (skipped: no server at ${postgresUrl})`,
  () => {
    const pool = new pg.Pool({ connectionString: postgresUrl });
    afterAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });

    testLedgerStore('postgres', async () =>
      openPostgresLedger({ pool, schema, tablePrefix: `t${tables++}_` }),
    );

    it('runs each migration once, however often it starts', async () => {
      const prefix = `t${tables++}_`;
      const first = await openPostgresLedger({ pool, schema, tablePrefix: prefix, batchSize: 3 });
      await first.append(Array.from({ length: 10 }, (_, index) => makeRecord({ id: `m${index}` })));
      await openPostgresLedger({ pool, schema, tablePrefix: prefix });
      const migrations = await pool.query(
        `SELECT version FROM "${schema}"."${prefix}migrations" ORDER BY version`,
      );
      expect(migrations.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      expect((await first.query())[0]?.records).toBe(10);
    });
  },
);
