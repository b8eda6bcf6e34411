import { openPostgresLedger, type PostgresLedgerStore } from '@loom/cost';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';
import { postgresReachable, postgresUrl } from './postgres-test-server.js';
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

describe.skipIf(!postgresReachable)(
  `postgres rollups (skipped: no server at ${postgresUrl})`,
  () => {
    const schema = `loom_rollups_pg_${process.pid}_${Date.now()}`;
    const pool = new pg.Pool({ connectionString: postgresUrl });
    let prefixes = 0;
    const opened: PostgresLedgerStore[] = [];
    afterAll(async () => {
      await Promise.all(opened.map((ledger) => ledger.close()));
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });
    const open = async (prefix: string, rollupStepRows?: number) => {
      const ledger = await openPostgresLedger({
        pool,
        schema,
        tablePrefix: prefix,
        ...(rollupStepRows ? { rollupStepRows } : {}),
      });
      opened.push(ledger);
      return ledger;
    };
    const table = (prefix: string, name: string) => `"${schema}"."${prefix}${name}"`;

    it('answers whole hours from the rollups alone and cut hours from rows', async () => {
      const prefix = `r${prefixes++}_`;
      const ledger = await open(prefix);
      const records = randomRecords(seeded(31), 300);
      await ledger.append(records);
      await pool.query(`DELETE FROM ${table(prefix, 'records')}`);
      const whole = { from: START, to: START + 200 * HOUR, groupBy: 'tag' as const };
      expect(await ledger.query(whole)).toEqual(expectedGroups(records, whole));
      expect(await ledger.query({ ...whole, rawScan: true })).toEqual([]);
      expect(await ledger.query({ from: START + 1, to: START + HOUR })).toEqual([]);
    });

    it('rolls up rows that another writer inserts with its own SQL (a gateway not yet upgraded)', async () => {
      const prefix = `r${prefixes++}_`;
      const ledger = await open(prefix);
      const record = makeRecord({ id: 'ours', time: START + 5 * HOUR, tags: { team: 'a' } });
      await ledger.append([record]);
      await pool.query(
        `INSERT INTO ${table(prefix, 'records')} (id, time, request_id, attempt, provider, model,
           input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_micros,
           estimated, unpriced, type, tags)
         VALUES ('theirs', $1, 'q', 1, 'groq', 'llama', 10, 5, 0, 0, 7, 0, 0, 'chat', '{"team":"b"}'),
                ('ours', $1, 'q', 1, 'groq', 'llama', 10, 5, 0, 0, 7, 0, 0, 'chat', NULL)
         ON CONFLICT (id) DO NOTHING`,
        [START + 6 * HOUR],
      );
      const theirs = makeRecord({
        id: 'theirs',
        time: START + 6 * HOUR,
        provider: 'groq',
        model: 'llama',
        inputTokens: 10,
        outputTokens: 5,
        costMicros: 7,
        tags: { team: 'b' },
      });
      await expectRollupsMatchRecords(ledger, [record, theirs], [{}, { from: START + HOUR }]);
    });

    it('rolls up, in steps and once, a ledger written before rollups while two gateways start', async () => {
      const prefix = `r${prefixes++}_`;
      const random = seeded(32);
      const records = randomRecords(random, 900);
      const writer = await open(prefix);
      await appendWithReplays(writer, records, random);
      // What an earlier version left: migrations 1 and 2, rows, no rollups.
      await pool.query(`DROP TRIGGER roll_up ON ${table(prefix, 'records')};
        DROP FUNCTION ${table(prefix, 'roll_up')}();
        DROP TABLE ${table(prefix, 'rollups')}, ${table(prefix, 'rollup_state')};
        DELETE FROM ${table(prefix, 'migrations')} WHERE version = 3;`);
      const [first, second] = await Promise.all([open(prefix, 50), open(prefix, 50)]);
      const mark = await pool.query(`SELECT rolled_before FROM ${table(prefix, 'rollup_state')}`);
      expect(Number(mark.rows[0].rolled_before)).toBe(Number.MAX_SAFE_INTEGER);
      await expectRollupsMatchRecords(first!, records, randomRanges(random, 10));
      expect(await second!.query({ groupBy: 'user' })).toEqual(
        expectedGroups(records, { groupBy: 'user' }),
      );
    });

    it('shares one read among concurrent identical queries, and none across an append', async () => {
      const prefix = `r${prefixes++}_`;
      const counted = new pg.Pool({ connectionString: postgresUrl });
      const query = counted.query.bind(counted);
      let reads = 0;
      counted.query = ((...args: Parameters<typeof query>) => {
        if (String(args[0]).includes('group_key')) reads += 1;
        return query(...args);
      }) as typeof counted.query;
      const ledger = await openPostgresLedger({ pool: counted, schema, tablePrefix: prefix });
      await ledger.append([makeRecord({ id: 'a', time: START })]);
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => ledger.query({ groupBy: 'model' })),
      );
      expect(reads).toBe(1);
      expect(new Set(answers).size).toBe(8);
      expect(answers[7]).toEqual(answers[0]);
      const before = ledger.query({ groupBy: 'model' });
      await ledger.append([makeRecord({ id: 'b', time: START })]);
      const after = await ledger.query({ groupBy: 'model' });
      expect(reads).toBe(3);
      expect(after[0]?.records).toBe(2);
      await before;
      await ledger.close();
      await counted.end();
    });
  },
);
