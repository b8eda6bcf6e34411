import type { CostRecord, LedgerGroup, LedgerGroupBy } from './cost-record.js';
import { NO_GROUP } from './cost-record.js';

/** Column order used by every SQL store's inserts. */
export const COLUMNS = [
  'id',
  'time',
  'request_id',
  'attempt',
  'provider',
  'model',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'cost_micros',
  'estimated',
  'unpriced',
  'type',
  'session_id',
  'user_id',
  'tags',
  'metadata',
] as const;

/** A SQL parameter. */
export type SqlValue = string | number | null;

/** A record as SQL parameters in `COLUMNS` order (booleans as 0/1, objects as JSON text). */
export function recordToRow(record: CostRecord): SqlValue[] {
  return writeRow(record, []);
}

/**
 * Writes a record's SQL parameters into `row` (see `recordToRow`) and returns it. A store whose
 * driver binds them synchronously reuses one row for every insert instead of an array each.
 */
export function writeRow(record: CostRecord, row: SqlValue[]): SqlValue[] {
  row[0] = record.id;
  row[1] = record.time;
  row[2] = record.requestId;
  row[3] = record.attempt;
  row[4] = record.provider;
  row[5] = record.model;
  row[6] = record.inputTokens;
  row[7] = record.outputTokens;
  row[8] = record.cachedInputTokens;
  row[9] = record.reasoningTokens;
  row[10] = record.costMicros;
  row[11] = record.estimated ? 1 : 0;
  row[12] = record.unpriced ? 1 : 0;
  row[13] = record.type;
  row[14] = record.sessionId ?? null;
  row[15] = record.user ?? null;
  row[16] = record.tags ? JSON.stringify(record.tags) : null;
  row[17] = record.metadata ? JSON.stringify(record.metadata) : null;
  return row;
}

/** The aggregate columns every SQL store selects, aliased for `rowToGroup`. */
export const AGGREGATES = `COUNT(*) AS records, SUM(cost_micros) AS cost_micros,
  SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
  SUM(cached_input_tokens) AS cached_input_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
  SUM(estimated) AS estimated, SUM(unpriced) AS unpriced`;

/** A result row as a group; drivers may return sums as strings (PostgreSQL numeric). */
export function rowToGroup(row: Record<string, unknown>): LedgerGroup {
  const number = (name: string) => Number(row[name] ?? 0);
  return {
    key: row.group_key === null || row.group_key === undefined ? NO_GROUP : String(row.group_key),
    records: number('records'),
    costMicros: number('cost_micros'),
    inputTokens: number('input_tokens'),
    outputTokens: number('output_tokens'),
    cachedInputTokens: number('cached_input_tokens'),
    reasoningTokens: number('reasoning_tokens'),
    estimated: number('estimated'),
    unpriced: number('unpriced'),
  };
}

/** Checks a tag key before it goes into SQL text (it is used as a JSON path). */
export function safeTagKey(key: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
    throw new RangeError(`Tag key '${key}' may only contain letters, digits, '_', '.' and '-'`);
  }
  return key;
}

/** What differs between the SQL dialects when grouping: day, tag expansion and one tag's value. */
export interface GroupDialect {
  day: string;
  tagJoin: string;
  tagValue: (key: string) => string;
}

/** The SELECT expression and any join that group ledger rows by `groupBy`. */
export function groupExpression(
  groupBy: LedgerGroupBy | undefined,
  dialect: GroupDialect,
): { select: string; from: string } {
  switch (groupBy) {
    case undefined:
      return { select: `'total'`, from: '' };
    case 'provider':
    case 'model':
      return { select: groupBy, from: '' };
    case 'session':
      return { select: 'session_id', from: '' };
    case 'user':
      return { select: 'user_id', from: '' };
    case 'day':
      return { select: dialect.day, from: '' };
    case 'tag':
      return { select: `tag.key || '=' || tag.value`, from: dialect.tagJoin };
    default:
      return { select: dialect.tagValue(safeTagKey(groupBy.slice(4))), from: '' };
  }
}
