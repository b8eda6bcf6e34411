import type BetterSqlite3 from 'better-sqlite3';
import { compactEdges, deleteInSteps } from './compact-edges.js';
import type { CostRecord, LedgerGroup, LedgerQuery, LedgerStore } from './cost-record.js';
import { mergeGroups, sortGroups } from './group-records.js';
import { loadOptional } from './load-optional.js';
import { ledgerQuerySql } from './rollup-sql.js';
import { COLUMNS, rowToGroup, type SqlValue, writeRow } from './sql-rows.js';
import { betterSqlitePath, SqliteQueryWorker } from './sqlite-query-worker.js';
import { SQLITE_DIALECT, SqliteRollups } from './sqlite-rollups.js';

/** Options of `openSqliteLedger`. */
export interface SqliteLedgerOptions {
  /** Database file; `:memory:` for a throwaway one. */
  path: string;
  /** Table name; default `loom_cost_records`. Rollups go in `<table>_rollups`. */
  table?: string;
  /**
   * Rows per step when a ledger written before rollups existed has its rows rolled up at open;
   * default 50 000. Each step is one transaction; other work runs between steps.
   */
  rollupStepRows?: number;
  /**
   * Where queries run: `worker` (the default for a file) on a thread of their own with a
   * read-only connection, so a report never blocks the event loop; `main` on the caller's
   * thread. A `:memory:` ledger always queries on the main thread (a worker cannot see it).
   */
  queryThread?: 'worker' | 'main';
}

const SCHEMA = (table: string) => `
CREATE TABLE IF NOT EXISTS ${table} (
  id TEXT PRIMARY KEY, time INTEGER NOT NULL, request_id TEXT NOT NULL, attempt INTEGER NOT NULL,
  provider TEXT NOT NULL, model TEXT NOT NULL, input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL, cost_micros INTEGER NOT NULL, estimated INTEGER NOT NULL,
  unpriced INTEGER NOT NULL, type TEXT NOT NULL, session_id TEXT, user_id TEXT, tags TEXT,
  metadata TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${table}_time ON ${table} (time);`;

/**
 * Opens (creating if needed) a SQLite ledger with better-sqlite3 in WAL mode: the embedded
 * default, which survives restarts. better-sqlite3 is loaded only here.
 *
 * Each append stores its rows and adds them to hourly rollups in one transaction, and a query
 * reads the rollups for the whole hours of its range and rows only for the cut hours at its
 * edges, so reports stay fast as history grows. A ledger written before rollups existed has its
 * rows rolled up once, at open, in steps. Queries of a file run on a worker thread (`queryThread`).
 */
export async function openSqliteLedger(options: SqliteLedgerOptions): Promise<LedgerStore> {
  const module = await loadOptional('better-sqlite3', 'SQLite', () => import('better-sqlite3'));
  const Database = module.default;
  const table = options.table ?? 'loom_cost_records';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
    throw new RangeError(`Invalid table name '${table}'`);
  const database: BetterSqlite3.Database = new Database(options.path);
  let rollups: SqliteRollups;
  try {
    database.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the tail.
    database.pragma('synchronous = NORMAL');
    database.exec(SCHEMA(table));
    rollups = new SqliteRollups(database, table);
    await rollups.backfill(options.rollupStepRows ?? 50_000);
  } catch (error) {
    database.close();
    throw error;
  }
  const placeholders = `(${COLUMNS.map(() => '?').join(', ')})`;
  const insert = database.prepare(
    `INSERT OR IGNORE INTO ${table} (${COLUMNS.join(', ')}) VALUES ${placeholders}`,
  );
  // better-sqlite3 binds the parameters before `run` returns, so one row serves every insert.
  const row: SqlValue[] = [];
  // Only rows this append stored go into the rollups: a replayed id adds nothing.
  const insertAll = database.transaction((records: readonly CostRecord[]) => {
    const rolledBefore = rollups.rolledBefore();
    const stored: CostRecord[] = [];
    for (const record of records)
      if (insert.run(writeRow(record, row)).changes > 0 && record.time < rolledBefore)
        stored.push(record);
    rollups.add(stored);
  });
  const tables = { records: table, rollups: rollups.table };
  const inMemory = options.path === ':memory:' || options.path === '';
  const reader =
    inMemory || options.queryThread === 'main'
      ? undefined
      : new SqliteQueryWorker({ path: options.path, modulePath: betterSqlitePath() });
  // Oldest first through the time index; each step is one short write transaction.
  const deleteRows = database.prepare(
    `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE time < ? ORDER BY time LIMIT ?)`,
  );
  const deleteRollups = database.prepare(
    `DELETE FROM ${rollups.table} WHERE (dimension, bucket, tag_key, value) IN
(SELECT dimension, bucket, tag_key, value FROM ${rollups.table} WHERE bucket < ? LIMIT ?)`,
  );
  const inStep = (statement: BetterSqlite3.Statement, edge: number, rows: number) =>
    database.transaction(() => statement.run(edge, rows).changes).immediate();

  return {
    async append(records) {
      if (records.length > 0) insertAll.immediate(records);
    },
    async query(query: LedgerQuery = {}): Promise<LedgerGroup[]> {
      const statement = ledgerQuerySql(query, tables, SQLITE_DIALECT);
      if (!statement) return [];
      const rows = reader
        ? await reader.all(statement.text, statement.values)
        : database.prepare(statement.text).all(...statement.values);
      const groups = new Map<string, LedgerGroup>();
      mergeGroups(groups, (rows as Record<string, unknown>[]).map(rowToGroup));
      return sortGroups(groups.values());
    },
    async compact(options) {
      const edges = compactEdges(options);
      // Rows not rolled up yet (a backfill cut short) are the only copy of their sums: kept.
      const rawBefore = Math.min(edges.rawBefore, rollups.rolledBefore());
      const rawDeleted = await deleteInSteps(
        edges.stepRows,
        () => inStep(deleteRows, rawBefore, edges.stepRows),
        options.signal,
      );
      const rollupBucket = edges.rollupBucket;
      const rollupsDeleted =
        rollupBucket === undefined || options.signal?.aborted
          ? 0
          : await deleteInSteps(
              edges.stepRows,
              () => inStep(deleteRollups, rollupBucket, edges.stepRows),
              options.signal,
            );
      return { rawDeleted, rollupsDeleted };
    },
    async close() {
      await reader?.close();
      if (database.open) database.close();
    },
  };
}
