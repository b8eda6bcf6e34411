import { LoomError } from '@loom/core';
import type { Pool, QueryConfig } from 'pg';
import { compactEdges } from './compact-edges.js';
import type {
  CostRecord,
  LedgerCompactOptions,
  LedgerCompactResult,
  LedgerConnectionState,
  LedgerGroup,
  LedgerHealth,
  LedgerQuery,
  LedgerStore,
} from './cost-record.js';
import { mergeGroups, sortGroups } from './group-records.js';
import { loadOptional } from './load-optional.js';
import { OutageQueue } from './outage-queue.js';
import { messageOf, postgresFailure } from './postgres-failure.js';
import { migrate } from './postgres-migrations.js';
import { backfillRollups, compactPostgres, POSTGRES_DIALECT } from './postgres-rollups.js';
import { QueryFlights } from './query-flights.js';
import { ledgerQuerySql } from './rollup-sql.js';
import { COLUMNS, recordToRow, rowToGroup } from './sql-rows.js';

/** Options of `openPostgresLedger`. */
export interface PostgresLedgerOptions {
  /** Connection string; ignored when `pool` is given. */
  connectionString?: string;
  /** A pool of your own (not closed by `close()`; its `connectionTimeoutMillis` applies). */
  pool?: Pool;
  /** Schema for the tables, created if missing; default `public`. */
  schema?: string;
  /** Prefix of table names; default `loom_cost_`. */
  tablePrefix?: string;
  /** Rows per multi-row INSERT; default 500. */
  batchSize?: number;
  /** Connection timeout of the pool the ledger creates from `connectionString`, ms; default 5000. */
  connectTimeoutMs?: number;
  /**
   * How long an INSERT may wait for its answer, ms; default 10 000. Past it (a connection that
   * hangs rather than breaks) its rows are queued and sent again: ids make that harmless.
   */
  writeTimeoutMs?: number;
  /**
   * Rows per step when a ledger written before rollups existed has its rows rolled up at open
   * (or once the server is first reached); default 50 000. Each step is one transaction that
   * holds inserts back while it runs.
   */
  rollupStepRows?: number;
  /** Records held in memory while PostgreSQL is unreachable; default 100 000. */
  maxQueuedRows?: number;
  /**
   * PostgreSQL became unreachable (once per outage, also at open), a record it refused as
   * invalid data was dropped, or `close()` left records it could not store.
   */
  onError?: (error: unknown) => void;
}

/** A PostgreSQL ledger, with its server's state for /readyz and metrics. */
export interface PostgresLedgerStore extends LedgerStore {
  /** `ready`, `connecting` (not reached since it opened) or `down` (lost since). */
  state(): LedgerConnectionState;
  /** The state, records waiting in memory for the server, records it refused, and why it is away. */
  health(): LedgerHealth;
  /** Calls `listener` on each state change; returns a function that removes it. */
  onStateChange(listener: (state: LedgerConnectionState) => void): () => void;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// pg reads a per-query `query_timeout`; its types do not list it.
type TimedQuery = QueryConfig & { query_timeout: number };

/** `?` placeholders as PostgreSQL's `$1`, `$2`, ... */
const numbered = (text: string) => {
  let index = 0;
  return text.replace(/\?/g, () => `$${++index}`);
};

/**
 * Opens a PostgreSQL ledger: runs pending migrations (tracked in a migrations table), then
 * appends with batched multi-row inserts. `pg` is loaded only here.
 *
 * A trigger adds each insert's rows to hourly rollups in the same statement, and a query reads
 * the rollups for the whole hours of its range and rows only for the cut hours at its edges; a
 * ledger written before rollups existed has its rows rolled up once, in steps, after migrating.
 * Concurrent identical queries share one read.
 *
 * PostgreSQL being away never ends the process nor loses a record: while it is unreachable (at
 * start, or cut mid-traffic, idle and busy connections alike) `append` queues records in memory
 * and resolves, a background loop retries with backoff (100 ms doubling to 2 s) and stores them
 * once it answers, and `query` fails fast with `ledger_unavailable`. Opening waits for one
 * attempt: a server that cannot be reached (refused, reset, timed out, starting up) opens the
 * ledger `connecting`, to connect and migrate as soon as it can; a server that answers and
 * refuses (password, database, privileges) fails the open at once, since waiting cannot fix it.
 * Queued records live in memory: a crash during an outage loses them, unless a journal
 * (`withLedgerJournal`) fronts the store.
 */
export async function openPostgresLedger(
  options: PostgresLedgerOptions,
): Promise<PostgresLedgerStore> {
  const schema = options.schema ?? 'public';
  const prefix = options.tablePrefix ?? 'loom_cost_';
  if (!IDENTIFIER.test(schema) || !IDENTIFIER.test(`${prefix}x`)) {
    throw new RangeError(`Invalid schema '${schema}' or table prefix '${prefix}'`);
  }
  const table = (name: string) => `"${schema}"."${prefix}${name}"`;
  const ownsPool = options.pool === undefined;
  const pool = options.pool ?? (await createPool(options));
  const writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
  const stepRows = options.rollupStepRows ?? 50_000;
  const prepare = async () => {
    await migrate(pool, schema, table);
    await backfillRollups(pool, table, stepRows);
  };
  let migrated = false;
  const flights = new QueryFlights();
  const tables = { records: table('records'), rollups: table('rollups') };

  const insert = async (records: readonly CostRecord[]) => {
    const values: Array<string | number | null> = [];
    const tuples = records.map((record) => {
      const start = values.length;
      values.push(...recordToRow(record));
      return `(${COLUMNS.map((_, index) => `$${start + index + 1}`).join(', ')})`;
    });
    const statement: TimedQuery = {
      text: `INSERT INTO ${table('records')} (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
      values,
      query_timeout: writeTimeoutMs,
    };
    await pool.query(statement);
  };
  const queue = new OutageQueue({
    name: 'PostgreSQL ledger',
    batchSize: options.batchSize ?? 500,
    maxQueuedRows: options.maxQueuedRows ?? 100_000,
    onError: options.onError,
    classify: postgresFailure,
    insert,
    async check() {
      if (!migrated) {
        await prepare();
        migrated = true;
        return;
      }
      // The table the rows go to, not just the server: a dropped table keeps the ledger down
      // instead of flapping between a good probe and a failing insert.
      const probe: TimedQuery = {
        text: `SELECT 1 FROM ${table('records')} LIMIT 0`,
        query_timeout: writeTimeoutMs,
      };
      await pool.query(probe);
    },
  });
  // pg-pool re-emits an idle client's lost connection on the pool; with no listener that is an
  // uncaught 'error' that ends the process (every database restart took the gateway down).
  const onIdleError = () => queue.suspect();
  pool.on('error', onIdleError);

  try {
    await prepare();
    migrated = true;
    queue.opened();
  } catch (error) {
    if (postgresFailure(error) === 'unreachable') queue.opened(error);
    else {
      pool.off('error', onIdleError);
      if (ownsPool) await pool.end().catch(() => {});
      throw new LoomError({
        code: 'ledger_refused',
        message:
          `The PostgreSQL ledger cannot open: the server refused (${messageOf(error)}). ` +
          'Check the connection string, the database and the privileges to create the schema.',
        cause: error,
      });
    }
  }

  let closed = false;
  return {
    async append(records) {
      try {
        await queue.append(records);
      } finally {
        flights.wrote();
      }
    },
    query: (query: LedgerQuery = {}) =>
      flights.run(query, async () => {
        const statement = ledgerQuerySql(query, tables, POSTGRES_DIALECT);
        await queue.beforeRead();
        if (!statement) return [];
        let result: { rows: Record<string, unknown>[] };
        try {
          result = await pool.query(numbered(statement.text), statement.values);
        } catch (error) {
          throw queue.readFailed(error);
        }
        const groups = new Map<string, LedgerGroup>();
        mergeGroups(groups, result.rows.map(rowToGroup));
        return sortGroups(groups.values());
      }),
    async compact(options: LedgerCompactOptions): Promise<LedgerCompactResult> {
      const edges = compactEdges(options);
      await queue.beforeRead();
      try {
        return await compactPostgres(pool, table, edges, options.signal);
      } catch (error) {
        throw queue.readFailed(error);
      } finally {
        flights.wrote();
      }
    },
    state: () => queue.state(),
    health: () => queue.health(),
    onStateChange: (listener) => queue.onStateChange(listener),
    async close() {
      if (closed) return;
      closed = true;
      await queue.close();
      // Ending our own pool may still report lost connections; a caller's pool is left as found.
      if (ownsPool) await pool.end();
      else pool.off('error', onIdleError);
    },
  };
}

async function createPool(options: PostgresLedgerOptions): Promise<Pool> {
  const pg = await loadOptional('pg', 'PostgreSQL', () => import('pg'));
  return new pg.default.Pool({
    connectionString: options.connectionString,
    // pg waits forever by default: a host that drops packets would hold the open and every
    // retry. Keep-alive finds a connection whose peer vanished without closing it.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    keepAlive: true,
  });
}
