import { openPostgresLedger, type PostgresLedgerStore } from '@loom/cost';
import pg from 'pg';
import {
  appendRange,
  type BenchLedger,
  type FillReport,
  rateOf,
  secondsSince,
  throttled,
} from './bench-ledger.js';
import { bulkInsertSql } from './ledger-records.js';

/** How rows go into PostgreSQL: `auto` appends, and goes bulk when append would be too slow. */
export type PostgresFill = 'auto' | 'append' | 'bulk';

/** Options of `postgresBenchLedger`. */
export interface PostgresBenchOptions {
  connectionString: string;
  now: number;
  fill: PostgresFill;
  /** The largest size of the run, which `auto` projects the append rate to. */
  largestSize: number;
  log: (line: string) => void;
}

// pg allows 65 535 parameters per statement: 2500 rows x 18 columns stays under it.
const INSERT_ROWS = 2500;
const BULK_CHUNK = 250_000;
// `auto` measures append for this long before projecting it to the largest size.
const PROBE_SECONDS = 15;
const APPEND_BUDGET_SECONDS = 360;

/** Why PostgreSQL cannot be used, or undefined when a connection answers. */
export async function postgresUnavailable(connectionString: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** `connectionString` with `?schema=` set, as the gateway's `storage.ledger` reads it. */
function withSchema(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/**
 * A PostgreSQL ledger in a schema of its own (`loom_bench_ledger_<run>`), dropped by `dispose`.
 * Rows go in through `openPostgresLedger().append`; with `fill: 'auto'`, once that is projected
 * to take more than 6 minutes for the largest size, the rest go in by `INSERT ... SELECT` from
 * `generate_series`, the same generator in SQL, into the records table, whose statement trigger
 * (the ledger's own migration) keeps the rollups as `append` would. Each size ends with
 * `VACUUM (ANALYZE)`, which autovacuum would have done to a table grown over days, and a
 * `CHECKPOINT`, which days of normal writes would have spread out.
 */
export function postgresBenchLedger(options: PostgresBenchOptions): BenchLedger {
  const schema = `loom_bench_ledger_${Date.now().toString(36)}_${process.pid}`;
  const table = (name: string) => `"${schema}"."loom_cost_${name}"`;
  const admin = new pg.Pool({ connectionString: options.connectionString, max: 2 });
  let bulk = options.fill === 'bulk';
  let rows = 0;

  const openLedger = () =>
    openPostgresLedger({
      connectionString: options.connectionString,
      schema,
      batchSize: INSERT_ROWS,
      onError: (error) => options.log(`    postgres ledger: ${String(error)}`),
    });

  const appendUntil = async (ledger: PostgresLedgerStore, size: number) => {
    const from = rows;
    const started = performance.now();
    const every = throttled(options.log);
    rows = await appendRange(ledger, { from, to: size, now: options.now }, (stored) => {
      const seconds = secondsSince(started);
      every(() => `    postgres append: ${stored} rows, ${rateOf(stored - from, seconds)}/s`);
      if (options.fill !== 'auto' || seconds < PROBE_SECONDS) return true;
      const projected = options.largestSize / rateOf(stored - from, seconds);
      if (projected <= APPEND_BUDGET_SECONDS) return true;
      bulk = true;
      options.log(
        `    postgres: append at ${rateOf(stored - from, seconds)} rows/s would take ` +
          `${Math.round(projected)} s for ${options.largestSize} rows; the rest go in bulk`,
      );
      return false;
    });
    return { rows: rows - from, seconds: secondsSince(started) };
  };

  const bulkUntil = async (size: number) => {
    const from = rows;
    const started = performance.now();
    const every = throttled(options.log);
    const statement = bulkInsertSql(table('records'));
    while (rows < size) {
      const end = Math.min(rows + BULK_CHUNK, size);
      await admin.query(statement, [rows, end, options.now]);
      rows = end;
      every(
        () => `    postgres bulk: ${rows} rows, ${rateOf(rows - from, secondsSince(started))}/s`,
      );
    }
    return { rows: rows - from, seconds: secondsSince(started) };
  };

  return {
    store: 'postgres',
    url: withSchema(options.connectionString, schema),
    async grow(size): Promise<FillReport> {
      const started = performance.now();
      // Opening runs the migrations, so the table and its rollup trigger exist before bulk rows.
      const ledger = await openLedger();
      let appended = { rows: 0, seconds: 0 };
      try {
        if (!bulk) appended = await appendUntil(ledger, size);
      } finally {
        await ledger.close();
      }
      const bulked = rows < size ? await bulkUntil(size) : { rows: 0, seconds: 0 };
      const fillSeconds = secondsSince(started);
      const maintenance = performance.now();
      await admin.query(`VACUUM (ANALYZE) ${table('records')}, ${table('rollups')}`);
      // The fill's WAL is written out now, not by a checkpoint in the middle of a chat round.
      // Needs superuser or pg_checkpoint; without it the rounds may meet a checkpoint.
      await admin.query('CHECKPOINT').catch(() => undefined);
      const added = appended.rows + bulked.rows;
      return {
        added,
        appendRows: appended.rows,
        bulkRows: bulked.rows,
        seconds: fillSeconds,
        rowsPerSecond: rateOf(added, fillSeconds),
        ...(appended.rows > 0
          ? { appendRowsPerSecond: rateOf(appended.rows, appended.seconds) }
          : {}),
        ...(bulked.rows > 0 ? { bulkRowsPerSecond: rateOf(bulked.rows, bulked.seconds) } : {}),
        maintenanceSeconds: secondsSince(maintenance),
      };
    },
    async dispose() {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
