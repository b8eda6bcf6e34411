import type { Pool } from 'pg';
import { type CompactEdges, deleteInSteps } from './compact-edges.js';
import { inTransaction } from './postgres-transaction.js';
import { ALL_ROLLED } from './rollup-buckets.js';
import { type RollupDialect, rollUpRowsSql, rollupTableSql } from './rollup-sql.js';

/** PostgreSQL's grouping and rollup SQL. */
export const POSTGRES_DIALECT: RollupDialect = {
  day: `to_char(to_timestamp(time / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  tagJoin: 'LEFT JOIN LATERAL jsonb_each_text(tags) AS tag ON true',
  tagValue: (key) => `tags ->> '${key}'`,
  integer: 'BIGINT',
  tagRows: 'CROSS JOIN LATERAL jsonb_each_text(tags) AS tag',
  untagged: `(tags IS NULL OR tags = '{}'::jsonb)`,
  bucketDay: (bucket) => `to_char(to_timestamp(${bucket} * 3600) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

/**
 * Migration 3: the rollups table, the `rolled_before` mark (rows with an earlier time are in the
 * rollups) and the statement trigger that rolls up what each INSERT stored, read from its
 * transition table, so an id the insert skipped adds nothing and rows and sums commit together.
 * The table is locked while the mark is read from its oldest row, so no row slips in between.
 */
export function rollupMigration(table: (name: string) => string): string {
  const state = table('rollup_state');
  const rollUp = rollUpRowsSql({
    rollups: table('rollups'),
    source: 'inserted',
    where: `time < (SELECT rolled_before FROM ${state})`,
    dialect: POSTGRES_DIALECT,
  });
  return `
LOCK TABLE ${table('records')} IN SHARE ROW EXCLUSIVE MODE;
${rollupTableSql(table('rollups'), POSTGRES_DIALECT)};
CREATE TABLE ${state} (id SMALLINT PRIMARY KEY CHECK (id = 1), rolled_before BIGINT NOT NULL);
INSERT INTO ${state} (id, rolled_before)
  SELECT 1, COALESCE(MIN(time), ${ALL_ROLLED}) FROM ${table('records')};
CREATE FUNCTION ${table('roll_up')}() RETURNS trigger LANGUAGE plpgsql AS $roll_up$
BEGIN
${rollUp};
RETURN NULL;
END
$roll_up$;
CREATE TRIGGER roll_up AFTER INSERT ON ${table('records')} REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION ${table('roll_up')}();`;
}

/**
 * Rolls up the rows stored before the rollups existed, `stepRows` at a time. Each step is one
 * transaction that locks the ledger table against inserts (they wait for the step, so the
 * trigger never reads a mark a step is moving), sums the next rows into the rollups and moves
 * the mark past them: a step cut short rolls back whole, and the next open resumes. Several
 * gateways starting at once take turns on the lock.
 */
export async function backfillRollups(
  pool: Pool,
  table: (name: string) => string,
  stepRows: number,
): Promise<void> {
  const state = table('rollup_state');
  const markOf = (rows: Array<{ rolled_before: string }>) => Number(rows[0]?.rolled_before);
  // Done already (every start after the first): no lock taken.
  if (markOf((await pool.query(`SELECT rolled_before FROM ${state}`)).rows) >= ALL_ROLLED) return;
  const rollUp = rollUpRowsSql({
    rollups: table('rollups'),
    source: table('records'),
    where: 'time >= $1 AND time < $2',
    dialect: POSTGRES_DIALECT,
  });
  for (let done = false; !done; ) {
    done = await inTransaction(pool, async (client) => {
      await client.query(`LOCK TABLE ${table('records')} IN SHARE ROW EXCLUSIVE MODE`);
      const from = markOf((await client.query(`SELECT rolled_before FROM ${state}`)).rows);
      if (from >= ALL_ROLLED) return true;
      const after = await client.query<{ time: string }>(
        `SELECT time FROM ${table('records')} WHERE time >= $1 ORDER BY time OFFSET $2 LIMIT 1`,
        [from, stepRows],
      );
      const next = after.rows[0];
      // Rows sharing one time all go in one step, however many.
      const to = next ? Math.max(Number(next.time), from + 1) : ALL_ROLLED;
      await client.query(rollUp, [from, to]);
      await client.query(`UPDATE ${state} SET rolled_before = $1`, [to]);
      return to >= ALL_ROLLED;
    });
  }
}

/**
 * Deletes raw rows before `edges.rawBefore` (never rows the rollups do not hold yet), then
 * rollup rows before `edges.rollupBucket`, each step one statement (its own transaction) of up to
 * `stepRows` rows picked by ctid, so no step holds locks for long.
 */
export async function compactPostgres(
  pool: Pool,
  table: (name: string) => string,
  edges: CompactEdges,
  signal?: AbortSignal,
): Promise<{ rawDeleted: number; rollupsDeleted: number }> {
  const state = table('rollup_state');
  const mark = await pool.query<{ rolled_before: string }>(`SELECT rolled_before FROM ${state}`);
  const rawBefore = Math.min(edges.rawBefore, Number(mark.rows[0]?.rolled_before ?? 0));
  const step = (target: string, where: string, edge: number) => async () =>
    (
      await pool.query(
        `DELETE FROM ${target} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${target} WHERE ${where} LIMIT $2))`,
        [edge, edges.stepRows],
      )
    ).rowCount ?? 0;
  const rawDeleted = await deleteInSteps(
    edges.stepRows,
    step(table('records'), 'time < $1', rawBefore),
    signal,
  );
  const bucket = edges.rollupBucket;
  const rollupsDeleted =
    bucket === undefined || signal?.aborted
      ? 0
      : await deleteInSteps(edges.stepRows, step(table('rollups'), 'bucket < $1', bucket), signal);
  return { rawDeleted, rollupsDeleted };
}
