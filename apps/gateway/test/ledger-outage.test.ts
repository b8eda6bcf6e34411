import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { startTcpProxy, type TcpProxy } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

/** The part of `pg` this test uses (the gateway has no `@types/pg`; the driver is its dependency). */
interface PgPool {
  query<Row>(sql: string): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
}
const pg = createRequire(import.meta.url)('pg') as {
  Pool: new (options: { connectionString?: string }) => PgPool;
};

const postgresUrl = process.env.LOOM_TEST_POSTGRES_URL;
if (!postgresUrl)
  console.warn(
    'Gateway PostgreSQL-outage test skipped: set LOOM_TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test)',
  );

interface LedgerDependency {
  name: string;
  state: string;
  required: boolean;
  queuedRows?: number;
}

describe.skipIf(!postgresUrl)(
  'a gateway whose PostgreSQL ledger is cut (skipped: LOOM_TEST_POSTGRES_URL is unset)',
  () => {
    const schema = `loom_gateway_outage_${randomUUID().replaceAll('-', '')}`;
    const records = `"${schema}"."loom_cost_records"`;
    const admin = new pg.Pool({ connectionString: postgresUrl });
    let proxy: TcpProxy;
    let stack: RuntimeStack;

    beforeAll(async () => {
      proxy = await startTcpProxy(postgresUrl ?? '', 5432);
      const ledger = new URL(proxy.url);
      ledger.searchParams.set('schema', schema);
      stack = await startRuntimeStack({ storage: { ledger: ledger.toString() } });
    });
    afterAll(async () => {
      await stack?.close();
      await proxy?.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    const chat = async (index: number) => {
      const answer = await fetch(`${stack.loom.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `q${index}` }] }),
      });
      await answer.text();
      return { status: answer.status, requestId: answer.headers.get('x-loom-request-id') };
    };
    const ledgerOnReadyz = async () => {
      const ready = await stack.get('/readyz');
      const dependencies = (ready.body?.dependencies ?? []) as LedgerDependency[];
      return {
        status: ready.status,
        ledger: dependencies.find((entry) => entry.name === 'ledger'),
      };
    };
    const gauge = async (name: string) => {
      const metrics = await stack.get('/metrics');
      const line = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics.text);
      return line ? Number(line[1]) : undefined;
    };
    const stored = async () =>
      (
        await admin.query<{ request_id: string; rows: string }>(
          `SELECT request_id, count(*) AS rows FROM ${records} GROUP BY request_id`,
        )
      ).rows;

    it('keeps answering while PostgreSQL is away, reports it on /readyz and /metrics, and stores every row once when it is back', async () => {
      const answered: string[] = [];
      const ask = async (index: number) => {
        const { status, requestId } = await chat(index);
        expect(status).toBe(200);
        answered.push(requestId ?? '');
      };
      for (let index = 0; index < 4; index += 1) await ask(index);
      await eventually(async () => (await stored()).length === 4);
      expect(await ledgerOnReadyz()).toEqual({
        status: 200,
        ledger: { name: 'ledger', state: 'ready', required: false, queuedRows: 0 },
      });
      expect(await gauge('loom_ledger_connected')).toBe(1);

      proxy.cut();
      for (let index = 4; index < 12; index += 1) await ask(index);
      await eventually(async () => (await ledgerOnReadyz()).ledger?.state === 'down');
      const during = await ledgerOnReadyz();
      // Not required: requests still succeed while rows wait.
      expect(during.status).toBe(200);
      expect(during.ledger?.queuedRows).toBeGreaterThan(0);
      await eventually(async () => (await gauge('loom_ledger_connected')) === 0);
      // Refreshed every second while rows wait.
      await eventually(async () => ((await gauge('loom_ledger_queued_rows')) ?? 0) > 0);
      expect(stack.logged.some((line) => /cost ledger: .*unreachable/.test(line))).toBe(true);

      proxy.restore();
      await eventually(async () => {
        const { ledger } = await ledgerOnReadyz();
        return ledger?.state === 'ready' && ledger.queuedRows === 0;
      }, 15_000);
      const rows = await stored();
      expect(rows.map((row) => row.request_id).sort()).toEqual([...answered].sort());
      expect(rows.every((row) => Number(row.rows) === 1)).toBe(true);
      await eventually(async () => (await gauge('loom_ledger_connected')) === 1);
      await eventually(async () => (await gauge('loom_ledger_queued_rows')) === 0);
      expect(stack.logged.some((line) => line.startsWith('cost ledger: connected'))).toBe(true);
    });

    it('starts while PostgreSQL is unreachable, answers, and stores the rows once it is up', async () => {
      const late = await startTcpProxy(postgresUrl ?? '', 5432);
      late.cut();
      const lateSchema = `${schema}_late`;
      const ledger = new URL(late.url);
      ledger.searchParams.set('schema', lateSchema);
      const lateStack = await startRuntimeStack({ storage: { ledger: ledger.toString() } });
      try {
        const ready = await lateStack.get('/readyz');
        expect(ready.status).toBe(200);
        expect(ready.body.dependencies).toEqual([
          { name: 'ledger', state: 'connecting', required: false, queuedRows: 0 },
        ]);
        const answer = await lateStack.client.chat.completions
          .create({ model: 'chat', messages: [{ role: 'user', content: 'early' }] })
          .withResponse();
        const requestId = answer.response.headers.get('x-loom-request-id');
        late.restore();
        await eventually(async () => {
          const { body } = await lateStack.get('/readyz');
          return body.dependencies[0].state === 'ready' && body.dependencies[0].queuedRows === 0;
        }, 15_000);
        const rows = await admin.query<{ request_id: string }>(
          `SELECT request_id FROM "${lateSchema}"."loom_cost_records"`,
        );
        expect(rows.rows.map((row) => row.request_id)).toEqual([requestId]);
      } finally {
        await lateStack.close();
        await late.close();
        await admin.query(`DROP SCHEMA IF EXISTS "${lateSchema}" CASCADE`);
      }
    });
  },
);
