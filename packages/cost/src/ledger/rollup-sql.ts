import type { LedgerGroupBy, LedgerQuery } from './cost-record.js';
import { BUCKET_MS, planQuery, type Span } from './rollup-buckets.js';
import {
  AGGREGATES,
  type GroupDialect,
  groupExpression,
  type SqlValue,
  safeTagKey,
} from './sql-rows.js';

/** The sums a rollup row holds, named as the ledger's aggregates are. */
export const SUM_COLUMNS = [
  'records',
  'cost_micros',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'estimated',
  'unpriced',
] as const;

/** What differs between the SQL dialects for rollups, beside grouping rows. */
export interface RollupDialect extends GroupDialect {
  /** Integer type of buckets and sums. */
  integer: string;
  /** Joined to a row: one row per tag, as `tag.key` and `tag.value`. */
  tagRows: string;
  /** True for a row with no tag. */
  untagged: string;
  /** The UTC day (`YYYY-MM-DD`) of an hour bucket. */
  bucketDay(bucket: string): string;
}

/** A statement with `?` placeholders and their values. */
export interface SqlStatement {
  text: string;
  values: SqlValue[];
}

// PostgreSQL migration 3 is built from `rollupTableSql` and `rollUpRowsSql`: a change to what
// they create or write is a new migration there, not an edit of these.

/** The rollups table: one row per dimension, hour, tag key and value (see `RollupEntry`). */
export function rollupTableSql(rollups: string, dialect: RollupDialect): string {
  const sums = SUM_COLUMNS.map((column) => `${column} ${dialect.integer} NOT NULL`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${rollups} (
  dimension TEXT NOT NULL, bucket ${dialect.integer} NOT NULL, tag_key TEXT NOT NULL,
  value TEXT NOT NULL, ${sums}, PRIMARY KEY (dimension, bucket, tag_key, value)
)`;
}

// Floor division, also right for times before 1970.
const bucketSql = (time: string) =>
  `(${time} - ((${time} % ${BUCKET_MS}) + ${BUCKET_MS}) % ${BUCKET_MS}) / ${BUCKET_MS}`;

const ADD_TO_EXISTING = `ON CONFLICT (dimension, bucket, tag_key, value) DO UPDATE SET ${SUM_COLUMNS.map(
  (column) => `${column} = r.${column} + excluded.${column}`,
).join(', ')}`;

/** Adds one summed row (dimension, bucket, tag key, value, then the sums) to the rollups. */
export function upsertRollupSql(rollups: string): string {
  const placeholders = Array.from({ length: 4 + SUM_COLUMNS.length }, () => '?').join(', ');
  return `INSERT INTO ${rollups} AS r (dimension, bucket, tag_key, value, ${SUM_COLUMNS.join(', ')})
VALUES (${placeholders}) ${ADD_TO_EXISTING}`;
}

/**
 * Adds the ledger rows of `source` that match `where` to the rollups in one statement, locking
 * rollup rows in key order (two writers never wait on each other in a cycle).
 */
export function rollUpRowsSql(options: {
  rollups: string;
  source: string;
  where: string;
  dialect: RollupDialect;
}): string {
  const { source, where, dialect } = options;
  const part = (dimension: string, tagKey: string, value: string, join = '', filter = '') =>
    `SELECT '${dimension}' AS dimension, ${tagKey} AS tag_key, ${value} AS value,
  ${bucketSql('time')} AS bucket, cost_micros, input_tokens, output_tokens,
  cached_input_tokens, reasoning_tokens, estimated, unpriced
FROM ${source}${join} WHERE ${where}${filter}`;
  const parts = [
    part('total', `''`, `''`),
    part('provider', `''`, 'provider'),
    part('model', `''`, 'model'),
    part('session', `''`, `COALESCE(session_id, '(none)')`),
    part('user', `''`, `COALESCE(user_id, '(none)')`),
    part('tag', 'tag.key', 'tag.value', ` ${dialect.tagRows}`),
    part('untagged', `''`, `''`, '', ` AND ${dialect.untagged}`),
  ];
  const keys = 'dimension, bucket, tag_key, value';
  return `INSERT INTO ${options.rollups} AS r (${keys}, ${SUM_COLUMNS.join(', ')})
SELECT ${keys}, COUNT(*), ${SUM_COLUMNS.slice(1)
    .map((column) => `SUM(${column})`)
    .join(', ')}
FROM (${parts.join('\nUNION ALL\n')}) AS source WHERE true
GROUP BY ${keys} ORDER BY ${keys}
${ADD_TO_EXISTING}`;
}

const SUMS = SUM_COLUMNS.map((column) => `SUM(${column}) AS ${column}`).join(', ');
const WHOLE = 'bucket >= ? AND bucket < ?';

/** The grouped sums of the whole buckets in `span`. */
function rollupSelect(
  groupBy: LedgerGroupBy | undefined,
  span: Span,
  rollups: string,
  dialect: RollupDialect,
): SqlStatement {
  const range = [span.from, span.to];
  const select = (key: string, where: string, group: string) =>
    `SELECT ${key} AS group_key, ${SUMS} FROM ${rollups} WHERE ${where} AND ${WHOLE} GROUP BY ${group}`;
  switch (groupBy) {
    case undefined:
      return { text: select(`'total'`, `dimension = 'total'`, 'value'), values: range };
    case 'provider':
    case 'model':
    case 'session':
    case 'user':
      return { text: select('value', `dimension = '${groupBy}'`, 'value'), values: range };
    case 'day':
      return {
        text: select(dialect.bucketDay('bucket'), `dimension = 'total'`, 'group_key'),
        values: range,
      };
    case 'tag':
      return {
        text: select(
          `CASE WHEN dimension = 'untagged' THEN NULL ELSE tag_key || '=' || value END`,
          `dimension IN ('tag', 'untagged')`,
          'group_key',
        ),
        values: range,
      };
    default: {
      const key = safeTagKey(groupBy.slice(4));
      // Records without the tag: the total less those with it.
      const signed = SUM_COLUMNS.map(
        (column) =>
          `SUM(CASE WHEN dimension = 'total' THEN ${column} ELSE -${column} END) AS ${column}`,
      ).join(', ');
      const tagged = select('value', `dimension = 'tag' AND tag_key = ?`, 'value');
      const untagged = `SELECT * FROM (SELECT NULL AS group_key, ${signed} FROM ${rollups}
WHERE (dimension = 'total' OR (dimension = 'tag' AND tag_key = ?)) AND ${WHOLE}) AS untagged
WHERE records <> 0`;
      return { text: `${tagged}\nUNION ALL\n${untagged}`, values: [key, ...range, key, ...range] };
    }
  }
}

/**
 * One statement answering a ledger query: rollups for the whole hours of its range, raw rows for
 * the cut hours at its edges (or for the whole range with `rawScan`). Parts may repeat a key; the
 * caller merges them. Undefined when the range is empty.
 */
export function ledgerQuerySql(
  query: LedgerQuery,
  tables: { records: string; rollups: string },
  dialect: RollupDialect,
): SqlStatement | undefined {
  const plan = planQuery(query);
  const parts: string[] = [];
  const values: SqlValue[] = [];
  if (plan.buckets) {
    const rollup = rollupSelect(query.groupBy, plan.buckets, tables.rollups, dialect);
    parts.push(rollup.text);
    values.push(...rollup.values);
  }
  const group = groupExpression(query.groupBy, dialect);
  for (const span of plan.rows) {
    parts.push(`SELECT ${group.select} AS group_key, ${AGGREGATES} FROM ${tables.records} ${group.from}
WHERE time >= ? AND time < ? GROUP BY group_key`);
    values.push(span.from, span.to);
  }
  return parts.length === 0 ? undefined : { text: parts.join('\nUNION ALL\n'), values };
}
