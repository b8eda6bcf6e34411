import type BetterSqlite3 from 'better-sqlite3';
import type { CostRecord, LedgerGroup, LedgerQuery, LedgerStore } from './cost-record.js';
import { loadOptional } from './load-optional.js';
import {
  AGGREGATES,
  COLUMNS,
  type GroupDialect,
  groupExpression,
  rowToGroup,
  type SqlValue,
  writeRow,
} from './sql-rows.js';

/** Options of `openSqliteLedger`. */
export interface SqliteLedgerOptions {
  /** Database file; `:memory:` for a throwaway one. */
  path: string;
  /** Table name; default `loom_cost_records`. */
  table?: string;
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

const DIALECT: GroupDialect = {
  day: `strftime('%Y-%m-%d', time / 1000, 'unixepoch')`,
  tagJoin: 'LEFT JOIN json_each(tags) AS tag',
  tagValue: (key) => `json_extract(tags, '$."${key}"')`,
};

/**
 * Opens (creating if needed) a SQLite ledger with better-sqlite3 in WAL mode: the embedded
 * default, which survives restarts. better-sqlite3 is loaded only here.
 */
export async function openSqliteLedger(options: SqliteLedgerOptions): Promise<LedgerStore> {
  const module = await loadOptional('better-sqlite3', 'SQLite', () => import('better-sqlite3'));
  const Database = module.default;
  const table = options.table ?? 'loom_cost_records';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
    throw new RangeError(`Invalid table name '${table}'`);
  const database: BetterSqlite3.Database = new Database(options.path);
  database.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the tail.
  database.pragma('synchronous = NORMAL');
  database.exec(SCHEMA(table));
  const placeholders = `(${COLUMNS.map(() => '?').join(', ')})`;
  const insert = database.prepare(
    `INSERT OR IGNORE INTO ${table} (${COLUMNS.join(', ')}) VALUES ${placeholders}`,
  );
  // better-sqlite3 binds the parameters before `run` returns, so one row serves every insert.
  const row: SqlValue[] = [];
  const insertAll = database.transaction((records: readonly CostRecord[]) => {
    for (const record of records) insert.run(writeRow(record, row));
  });

  return {
    async append(records) {
      if (records.length > 0) insertAll(records);
    },
    async query(query: LedgerQuery = {}): Promise<LedgerGroup[]> {
      const group = groupExpression(query.groupBy, DIALECT);
      const statement = database.prepare(
        `SELECT ${group.select} AS group_key, ${AGGREGATES} FROM ${table} ${group.from}
         WHERE time >= ? AND time < ? GROUP BY group_key ORDER BY group_key`,
      );
      const rows = statement.all(
        query.from ?? Number.MIN_SAFE_INTEGER,
        query.to ?? Number.MAX_SAFE_INTEGER,
      );
      return (rows as Record<string, unknown>[])
        .map(rowToGroup)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async close() {
      if (database.open) database.close();
    },
  };
}
