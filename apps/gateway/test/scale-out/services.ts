import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';

/** The part of `pg` these tests use (the gateway has no `@types/pg`; the driver is its dependency). */
interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}
interface PgClient extends PgPool {
  connect(): Promise<void>;
}
const pg = createRequire(import.meta.url)('pg') as {
  Pool: new (options: { connectionString: string; max?: number }) => PgPool;
  Client: new (options: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
};

/** The shared test PostgreSQL; every run takes its own schema. */
export const postgresUrl =
  process.env.LOOM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The shared test Redis: never flushed; every run takes its own budget names. */
export const redisUrl = process.env.LOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The counters' key prefix the gateway uses (`openRedisBudgetCounterStore`'s default). */
export const BUDGET_PREFIX = '{loom-budget}:';

async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Which shared services answer. Outside CI a missing one skips the suite with a warning; in CI
 * (`CI` set) the suite runs and fails, so a broken service cannot pass for a green run.
 */
export async function checkServices(suite: string): Promise<{ skip: boolean; missing: string[] }> {
  const [postgres, redis] = await Promise.all([
    postgresAnswers(postgresUrl),
    redisAnswers(redisUrl),
  ]);
  const missing = [
    ...(postgres ? [] : [`PostgreSQL at ${postgresUrl} (LOOM_TEST_POSTGRES_URL)`]),
    ...(redis ? [] : [`Redis at ${redisUrl} (LOOM_TEST_REDIS_URL)`]),
  ];
  const skip = missing.length > 0 && !process.env.CI;
  if (skip) console.warn(`${suite} skipped: unreachable ${missing.join(' and ')}`);
  return { skip, missing };
}

/** A short random suffix for schema and budget names (lowercase letters and digits). */
export function runId(): string {
  return randomBytes(5).toString('hex');
}

/** A PostgreSQL schema of this run: its `postgres://...?schema=` URL, queries, and `drop()`. */
export interface RunSchema {
  name: string;
  /** `storage.ledger` value for the gateways. */
  ledgerUrl: string;
  /** The cost records table, schema-qualified. */
  records: string;
  query(sql: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Drops the schema with everything in it and closes the connection. */
  drop(): Promise<void>;
}

/** Connects to the test database for a schema the gateways create on start (`loom_scale_<id>`). */
export async function openRunSchema(id: string): Promise<RunSchema> {
  const name = `loom_scale_${id}`;
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', name);
  return {
    name,
    ledgerUrl: url.toString(),
    records: `"${name}"."loom_cost_records"`,
    async query(sql, values) {
      return (await pool.query(sql, values)).rows;
    },
    async drop() {
      try {
        await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** Budget counters of one budget in Redis (`{loom-budget}:<name>|<scope>|<window>`). */
export async function budgetCounters(
  client: Redis,
  budgetName: string,
): Promise<Array<{ key: string; spentMicros: number; reservedMicros: number }>> {
  const keys = await scanKeys(client, `${BUDGET_PREFIX}${budgetName}|*`);
  const counters = [];
  for (const key of keys.filter((entry) => !entry.endsWith(':leases'))) {
    const [spent, reserved] = await client.hmget(key, 'spent', 'reserved');
    counters.push({ key, spentMicros: Number(spent ?? 0), reservedMicros: Number(reserved ?? 0) });
  }
  return counters;
}

/** Deletes one budget's counters and lease sets (`total` windows never expire on their own). */
export async function deleteBudgetKeys(client: Redis, budgetName: string): Promise<void> {
  const keys = await scanKeys(client, `${BUDGET_PREFIX}${budgetName}|*`);
  if (keys.length > 0) await client.del(...keys);
}

async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}
