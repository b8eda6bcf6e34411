import type { LedgerQuery } from './cost-record.js';

/**
 * Rollups sum records per UTC hour: a day is 24 of them, and the partial hours at a range's
 * edges are few enough rows to sum on each query.
 */
export const BUCKET_MS = 3_600_000;

/** `rolled_before` once every stored row is in the rollups (no record time reaches it). */
export const ALL_ROLLED = Number.MAX_SAFE_INTEGER;

const NO_START = Number.MIN_SAFE_INTEGER;
const NO_END = Number.MAX_SAFE_INTEGER;

/** The hour a record time falls in. */
export function bucketOf(time: number): number {
  return Math.floor(time / BUCKET_MS);
}

/** The UTC day (`2026-01-31`) an hour bucket belongs to. */
export function dayOfBucket(bucket: number): string {
  return new Date(bucket * BUCKET_MS).toISOString().slice(0, 10);
}

/** A half-open range `[from, to)`. */
export interface Span {
  from: number;
  to: number;
}

/** How a query is answered: whole hours from rollups, the cut hours at its edges from rows. */
export interface QueryPlan {
  /** Whole buckets to read from rollups; absent when the range holds none. */
  buckets?: Span;
  /** Time ranges, ms, whose raw rows are summed. */
  rows: Span[];
}

/** Splits a query's range into whole buckets and the partial ones at its edges. */
export function planQuery(query: LedgerQuery): QueryPlan {
  const from = query.from ?? NO_START;
  const to = query.to ?? NO_END;
  if (!(from < to)) return { rows: [] };
  if (query.rawScan) return { rows: [{ from, to }] };
  const first = query.from === undefined ? NO_START : Math.ceil(from / BUCKET_MS);
  const end = query.to === undefined ? NO_END : Math.floor(to / BUCKET_MS);
  if (first >= end) return { rows: [{ from, to }] };
  const rows: Span[] = [];
  if (query.from !== undefined && first * BUCKET_MS > from)
    rows.push({ from, to: first * BUCKET_MS });
  if (query.to !== undefined && end * BUCKET_MS < to) rows.push({ from: end * BUCKET_MS, to });
  return { buckets: { from: first, to: end }, rows };
}
