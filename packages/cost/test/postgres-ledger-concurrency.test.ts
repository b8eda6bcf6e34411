import { randomUUID } from 'node:crypto';
import { BatchedLedger, ledgerCounterSeeder, openPostgresLedger } from '@loom/cost';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';
import { postgresReachable, postgresUrl } from './postgres-test-server.js';

describe.skipIf(!postgresReachable)(
  `postgres ledger shared by several gateways (skipped: no server at ${postgresUrl})`,
  () => {
    const schema = `loom_shared_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Pool({ connectionString: postgresUrl });
    afterAll(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    it('migrates a fresh schema once when three gateways start at the same moment', async () => {
      // Three pools: three processes' connections racing on the advisory lock.
      const ledgers = await Promise.all(
        [0, 1, 2].map(() => openPostgresLedger({ connectionString: postgresUrl, schema })),
      );
      const versions = await admin.query(
        `SELECT version FROM "${schema}"."loom_cost_migrations" ORDER BY version`,
      );
      expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      const indexes = await admin.query<{ indexdef: string }>(
        'SELECT indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname',
        [schema],
      );
      const definitions = indexes.rows.map((row) => row.indexdef).join('\n');
      for (const columns of [
        '(provider, "time")',
        '(model, "time")',
        '(session_id, "time")',
        'gin (tags)',
      ])
        expect(definitions).toContain(columns);

      // Each gateway writes through its own batched writer; replays of the same ids are ignored.
      const writers = ledgers.map((ledger) => new BatchedLedger(ledger, { batchSize: 250 }));
      writers.forEach((writer, gateway) => {
        for (let index = 0; index < 400; index += 1)
          writer.write(makeRecord({ id: `g${gateway}-${index}`, time: Date.UTC(2026, 0, 15, 9) }));
        writer.write(makeRecord({ id: 'shared-replay', time: Date.UTC(2026, 0, 15, 9) }));
      });
      await Promise.all(writers.map((writer) => writer.flush()));
      const [total] = await ledgers[0]!.query();
      expect(total).toMatchObject({ records: 1201, costMicros: 1201 * 45 });

      // A Redis counter lost with its server is seeded from this shared ledger.
      const seed = ledgerCounterSeeder({
        ledger: ledgers[1]!,
        budgets: [{ name: 'daily', limitUsd: 5, scope: 'provider' }],
        now: () => Date.UTC(2026, 0, 15, 20),
      });
      expect(await seed('daily|provider:openai|2026-01-15')).toBe(1201 * 45);
      expect(await seed('daily|provider:groq|2026-01-15')).toBe(0);
      await Promise.all(writers.map((writer) => writer.close()));
    });
  },
);
