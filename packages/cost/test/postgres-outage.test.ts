import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchedLedger,
  type CostRecord,
  openPostgresLedger,
  type PostgresLedgerOptions,
} from '@loom/cost';
import { startTcpProxy } from '@loom/testkit';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';

const postgresUrl = process.env.LOOM_TEST_POSTGRES_URL;
if (!postgresUrl)
  console.warn(
    'PostgreSQL outage tests skipped: set LOOM_TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test)',
  );

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe.skipIf(!postgresUrl)(
  'PostgreSQL ledger through an outage (skipped: LOOM_TEST_POSTGRES_URL is unset)',
  () => {
    const url = postgresUrl ?? '';
    const schema = `loom_outage_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Pool({ connectionString: url });
    const opened: Array<{ close(): Promise<void> }> = [];
    let tables = 0;
    afterEach(async () => {
      for (const item of opened.splice(0).reverse()) await item.close();
    });
    afterAll(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    const open = async (target: string, options: PostgresLedgerOptions = {}) => {
      const prefix = `t${tables++}_`;
      const ledger = await openPostgresLedger({
        connectionString: target,
        schema,
        tablePrefix: prefix,
        ...options,
      });
      opened.push(ledger);
      return { ledger, records: `"${schema}"."${prefix}records"` };
    };
    const storedIds = async (records: string) =>
      (await admin.query<{ id: string }>(`SELECT id FROM ${records}`)).rows.map((row) => row.id);

    it('keeps every record written while PostgreSQL is cut under load, and stores each exactly once when it is back', async () => {
      const proxy = await startTcpProxy(url, 5432);
      opened.push(proxy);
      const errors: unknown[] = [];
      const { ledger, records } = await open(proxy.url, {
        batchSize: 50,
        onError: (error) => errors.push(error),
      });
      const states: string[] = [];
      ledger.onStateChange((state) => states.push(state));
      // Ten pooled connections; the traffic below keeps at most four busy, so most are idle
      // when the cut comes (an idle one dying used to end the process).
      await Promise.all(Array.from({ length: 10 }, () => ledger.query()));

      const written: string[] = [];
      const record = (): CostRecord => {
        const id = `r${written.length}`;
        written.push(id);
        return makeRecord({ id });
      };
      // The cost plugin's path (a batching writer) and two callers appending on their own.
      const writer = new BatchedLedger(ledger, { flushIntervalMs: 10, batchSize: 25 });
      let writing = true;
      const feeder = setInterval(() => writer.write(record()), 2);
      const appender = async () => {
        while (writing) {
          await ledger.append(Array.from({ length: 5 }, record));
          await sleep(5);
        }
      };
      const appenders = [appender(), appender()];
      await sleep(300);

      // A busy connection: its INSERT waits on a row another transaction holds, so it is in
      // flight when the cut comes; the server commits it after the client is gone.
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      await blocker.query('BEGIN');
      const held = Array.from({ length: 4 }, record);
      await blocker.query(
        `INSERT INTO ${records} (id, time, request_id, attempt, provider, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_micros, estimated, unpriced, type) VALUES ($1, 0, 'x', 1, 'p', 'm', 0, 0, 0, 0, 0, 0, 0, 'chat')`,
        [held[0]!.id],
      );
      const heldAppend = ledger.append(held);
      await until(async () => {
        const waiting = await admin.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`INSERT INTO ${records}%`],
        );
        return waiting.rowCount === 1;
      });

      proxy.cut();
      await heldAppend;
      await until(() => ledger.state() === 'down');
      await blocker.query('ROLLBACK');
      await blocker.end();
      // The orphaned INSERT went through with nobody to tell: the retry must not double it.
      await until(async () => (await storedIds(records)).includes(held[0]!.id));

      await sleep(1000);
      expect(ledger.state()).toBe('down');
      expect(ledger.health().queuedRows).toBeGreaterThan(0);
      expect(ledger.health().lastError).toBeTruthy();
      const started = Date.now();
      await expect(ledger.query()).rejects.toMatchObject({ code: 'ledger_unavailable' });
      expect(Date.now() - started).toBeLessThan(100);

      proxy.restore();
      await sleep(300);
      writing = false;
      clearInterval(feeder);
      await Promise.all(appenders);
      await writer.flush();
      await until(() => ledger.state() === 'ready' && ledger.health().queuedRows === 0);

      expect(states).toEqual(['down', 'ready']);
      const ids = await storedIds(records);
      expect(ids.length).toBe(written.length);
      expect(new Set(ids)).toEqual(new Set(written));
      const [total] = await ledger.query();
      expect(total).toMatchObject({ records: written.length, costMicros: written.length * 45 });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'ledger_unavailable' });
      await writer.close();
    });

    it('survives PostgreSQL ending its idle connections, and stays ready', async () => {
      const app = `loom_idle_${randomUUID().slice(0, 8)}`;
      const target = new URL(url);
      target.searchParams.set('application_name', app);
      const { ledger } = await open(target.toString());
      await Promise.all(Array.from({ length: 4 }, () => ledger.query()));
      const ended = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      expect(ended.rowCount).toBeGreaterThan(0);
      await sleep(200);
      expect(ledger.state()).toBe('ready');
      await ledger.append([makeRecord({ id: 'after-idle-loss' })]);
      expect((await ledger.query())[0]?.records).toBe(1);
    });

    it('opens while PostgreSQL is unreachable, then migrates and stores what was written meanwhile', async () => {
      const proxy = await startTcpProxy(url, 5432);
      opened.push(proxy);
      proxy.cut();
      const errors: unknown[] = [];
      const started = Date.now();
      const { ledger, records } = await open(proxy.url, { onError: (e) => errors.push(e) });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(ledger.state()).toBe('connecting');
      expect(errors).toHaveLength(1);
      const early = Array.from({ length: 120 }, (_, index) => makeRecord({ id: `early${index}` }));
      await ledger.append(early.slice(0, 60));
      await ledger.append(early.slice(60));
      expect(ledger.health()).toMatchObject({ state: 'connecting', queuedRows: 120 });
      await expect(ledger.query()).rejects.toMatchObject({ code: 'ledger_unavailable' });
      await sleep(500);

      proxy.restore();
      await until(() => ledger.state() === 'ready' && ledger.health().queuedRows === 0);
      expect((await storedIds(records)).sort()).toEqual(early.map((r) => r.id).sort());
      const migrations = await admin.query(
        `SELECT version FROM ${records.replace('records', 'migrations')} ORDER BY version`,
      );
      expect(migrations.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    });

    it('fails to open at once when the server answers and refuses (a database that does not exist)', async () => {
      const target = new URL(url);
      target.pathname = `/loom_missing_${randomUUID().slice(0, 8)}`;
      await expect(
        openPostgresLedger({ connectionString: target.toString(), schema }),
      ).rejects.toMatchObject({
        code: 'ledger_refused',
        message: expect.stringMatching(/cannot open.*does not exist/),
      });
    });

    it('drops and reports a record PostgreSQL refuses as invalid, without holding back the others', async () => {
      const errors: Error[] = [];
      const { ledger, records } = await open(url, { onError: (e) => errors.push(e as Error) });
      await ledger.append([
        makeRecord({ id: 'good-1' }),
        makeRecord({ id: 'nul-byte', user: 'a\u0000b' }),
        makeRecord({ id: 'good-2' }),
      ]);
      expect((await storedIds(records)).sort()).toEqual(['good-1', 'good-2']);
      expect(ledger.health()).toMatchObject({ state: 'ready', queuedRows: 0, refusedRows: 1 });
      expect(errors.map((e) => e.message)).toEqual([
        expect.stringMatching(/refused cost record nul-byte/),
      ]);
    });
  },
);
