import type BetterSqlite3 from 'better-sqlite3';
import type { CostRecord } from './cost-record.js';
import { ALL_ROLLED } from './rollup-buckets.js';
import { addToRollups, type RollupEntry } from './rollup-entries.js';
import {
  type RollupDialect,
  rollUpRowsSql,
  rollupTableSql,
  upsertRollupSql,
} from './rollup-sql.js';
import type { SqlValue } from './sql-rows.js';

/** SQLite's grouping and rollup SQL. */
export const SQLITE_DIALECT: RollupDialect = {
  day: `strftime('%Y-%m-%d', time / 1000, 'unixepoch')`,
  tagJoin: 'LEFT JOIN json_each(tags) AS tag',
  tagValue: (key) => `json_extract(tags, '$."${key}"')`,
  integer: 'INTEGER',
  tagRows: ', json_each(tags) AS tag',
  untagged: 'NOT EXISTS (SELECT 1 FROM json_each(tags))',
  bucketDay: (bucket) => `strftime('%Y-%m-%d', ${bucket} * 3600, 'unixepoch')`,
};

function entryRow(entry: RollupEntry, row: SqlValue[]): SqlValue[] {
  const { sums } = entry;
  row[0] = entry.dimension;
  row[1] = entry.bucket;
  row[2] = entry.tagKey;
  row[3] = entry.value;
  row[4] = sums.records;
  row[5] = sums.costMicros;
  row[6] = sums.inputTokens;
  row[7] = sums.outputTokens;
  row[8] = sums.cachedInputTokens;
  row[9] = sums.reasoningTokens;
  row[10] = sums.estimated;
  row[11] = sums.unpriced;
  return row;
}

/**
 * The hourly rollups of a SQLite ledger table (`<table>_rollups`), kept in the same file.
 * `<table>_rollup_state` holds `rolled_before`: rows with an earlier time are in the rollups.
 * A new ledger starts with every row rolled up; one written before rollups existed starts at its
 * oldest row, and `backfill` rolls its rows up in steps, each one transaction that moves the
 * mark, so a crash between steps resumes where it stopped and counts nothing twice.
 */
export class SqliteRollups {
  readonly table: string;
  private allRolled = false;
  private readonly readMark: BetterSqlite3.Statement;
  private readonly upsert: BetterSqlite3.Statement;
  private readonly step: BetterSqlite3.Transaction<(rows: number) => boolean>;

  constructor(database: BetterSqlite3.Database, records: string) {
    this.table = `${records}_rollups`;
    const state = `${records}_rollup_state`;
    database
      .transaction(() => {
        database.exec(`${rollupTableSql(this.table, SQLITE_DIALECT)} WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ${state} (
  id INTEGER PRIMARY KEY CHECK (id = 1), rolled_before INTEGER NOT NULL
);
INSERT OR IGNORE INTO ${state} (id, rolled_before)
  SELECT 1, COALESCE(MIN(time), ${ALL_ROLLED}) FROM ${records};`);
      })
      .immediate();
    this.readMark = database.prepare(`SELECT rolled_before FROM ${state}`).pluck();
    this.upsert = database.prepare(upsertRollupSql(this.table));
    const next = database
      .prepare(`SELECT time FROM ${records} WHERE time >= ? ORDER BY time LIMIT 1 OFFSET ?`)
      .pluck();
    const rollUp = database.prepare(
      rollUpRowsSql({
        rollups: this.table,
        source: records,
        where: 'time >= @from AND time < @to',
        dialect: SQLITE_DIALECT,
      }),
    );
    const mark = database.prepare(`UPDATE ${state} SET rolled_before = ?`);
    this.step = database.transaction((rows: number) => {
      const from = this.readMark.get() as number;
      if (from >= ALL_ROLLED) return true;
      const after = next.get(from, rows) as number | undefined;
      // Rows sharing one time all go in one step, however many.
      const to = after === undefined ? ALL_ROLLED : Math.max(after, from + 1);
      rollUp.run({ from, to });
      mark.run(to);
      return to >= ALL_ROLLED;
    });
  }

  /** Rows with an earlier time go into the rollups as they are stored; later ones wait for `backfill`. */
  rolledBefore(): number {
    if (this.allRolled) return ALL_ROLLED;
    const mark = this.readMark.get() as number;
    this.allRolled = mark >= ALL_ROLLED;
    return mark;
  }

  /** Adds records just stored to the rollups; runs inside the transaction that stored them. */
  add(records: readonly CostRecord[]): void {
    const entries = new Map<string, RollupEntry>();
    for (const record of records) addToRollups(entries, record);
    const row: SqlValue[] = [];
    for (const entry of entries.values()) this.upsert.run(entryRow(entry, row));
  }

  /**
   * Rolls up every row stored before rollups existed, `stepRows` at a time, letting other work
   * run between steps. Several processes may run it at once: the steps take turns.
   */
  async backfill(stepRows: number): Promise<void> {
    while (!this.step.immediate(stepRows)) await new Promise((resolve) => setImmediate(resolve));
    this.allRolled = true;
  }
}
