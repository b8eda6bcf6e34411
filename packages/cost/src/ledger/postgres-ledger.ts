import type { Pool, PoolClient } from 'pg';
import type { CostRecord, LedgerQuery, LedgerStore } from './cost-record.js';
import { loadOptional } from './load-optional.js';
import { MIGRATIONS } from './postgres-migrations.js';
import {
  AGGREGATES,
  COLUMNS,
  type GroupDialect,
  groupExpression,
  recordToRow,
  rowToGroup,
} from './sql-rows.js';

/** Options of `openPostgresLedger`. */
export interface PostgresLedgerOptions {
  /** Connection string; ignored when `pool` is given. */
  connectionString?: string;
  /** A pool of your own (not closed by `close()`). */
  pool?: Pool;
  /** Schema for the tables, created if missing; default `public`. */
  schema?: string;
  /** Prefix of table names; default `loom_cost_`. */
  tablePrefix?: string;
  /** Rows per multi-row INSERT; default 500. */
  batchSize?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const DIALECT: GroupDialect = {
  day: `to_char(to_timestamp(time / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  tagJoin: 'LEFT JOIN LATERAL jsonb_each_text(tags) AS tag ON true',
  tagValue: (key) => `tags ->> '${key}'`,
};

async function migrate(
  client: PoolClient,
  schema: string,
  table: (name: string) => string,
): Promise<void> {
  await client.query('BEGIN');
  try {
    // Serialises concurrent starts of several gateways on the same database.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table('migrations')]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table('migrations')} (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
    );
    const applied = await client.query<{ version: number }>(
      `SELECT version FROM ${table('migrations')}`,
    );
    const done = new Set(applied.rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.up(table));
      await client.query(
        `INSERT INTO ${table('migrations')} (version, applied_at) VALUES ($1, $2)`,
        [migration.version, Date.now()],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Opens a PostgreSQL ledger: runs pending migrations (tracked in a migrations table), then
 * appends with batched multi-row inserts. `pg` is loaded only here.
 */
export async function openPostgresLedger(options: PostgresLedgerOptions): Promise<LedgerStore> {
  const schema = options.schema ?? 'public';
  const prefix = options.tablePrefix ?? 'loom_cost_';
  if (!IDENTIFIER.test(schema) || !IDENTIFIER.test(`${prefix}x`)) {
    throw new RangeError(`Invalid schema '${schema}' or table prefix '${prefix}'`);
  }
  const table = (name: string) => `"${schema}"."${prefix}${name}"`;
  let pool = options.pool;
  if (!pool) {
    const pg = await loadOptional('pg', 'PostgreSQL', () => import('pg'));
    pool = new pg.default.Pool({ connectionString: options.connectionString });
  }
  const ownsPool = options.pool === undefined;
  const client = await pool.connect();
  try {
    await migrate(client, schema, table);
  } finally {
    client.release();
  }
  const batchSize = options.batchSize ?? 500;
  const activePool = pool;

  const insertBatch = async (records: readonly CostRecord[]) => {
    const values: Array<string | number | null> = [];
    const tuples = records.map((record) => {
      const start = values.length;
      values.push(...recordToRow(record));
      return `(${COLUMNS.map((_, index) => `$${start + index + 1}`).join(', ')})`;
    });
    await activePool.query(
      `INSERT INTO ${table('records')} (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
      values,
    );
  };

  return {
    async append(records) {
      for (let start = 0; start < records.length; start += batchSize) {
        await insertBatch(records.slice(start, start + batchSize));
      }
    },
    async query(query: LedgerQuery = {}) {
      const group = groupExpression(query.groupBy, DIALECT);
      const result = await activePool.query(
        `SELECT ${group.select} AS group_key, ${AGGREGATES} FROM ${table('records')} ${group.from}
         WHERE time >= $1 AND time < $2 GROUP BY group_key`,
        [query.from ?? Number.MIN_SAFE_INTEGER, query.to ?? Number.MAX_SAFE_INTEGER],
      );
      return result.rows
        .map(rowToGroup)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async close() {
      if (ownsPool) await activePool.end();
    },
  };
}
