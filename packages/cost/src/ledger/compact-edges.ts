import type { LedgerCompactOptions } from './cost-record.js';
import { BUCKET_MS, bucketOf } from './rollup-buckets.js';

/** Where a compaction cuts: raw rows before `rawBefore` ms, rollups of buckets before `rollupBucket`. */
export interface CompactEdges {
  rawBefore: number;
  /** First hour bucket whose rollups are kept; undefined keeps them all. */
  rollupBucket?: number;
  stepRows: number;
}

/**
 * Aligns a compaction's edges down to hour edges: a cut hour's rollups sum rows the store keeps
 * for the partial-hour reads at a range's edge, so a kept hour must keep all its rows.
 */
export function compactEdges(options: LedgerCompactOptions): CompactEdges {
  const stepRows = options.stepRows ?? 10_000;
  if (!Number.isInteger(stepRows) || stepRows < 1)
    throw new RangeError(`compact: stepRows must be a positive integer, got ${stepRows}`);
  if (!Number.isFinite(options.rawBefore))
    throw new RangeError(`compact: rawBefore must be a time in ms, got ${options.rawBefore}`);
  const rawBefore = bucketOf(options.rawBefore) * BUCKET_MS;
  if (options.rollupsBefore === undefined) return { rawBefore, stepRows };
  // Rollups gone for hours whose rows remain would make whole-hour reports miss those rows.
  if (!(options.rollupsBefore <= options.rawBefore))
    throw new RangeError('compact: rollupsBefore must not be later than rawBefore');
  return { rawBefore, rollupBucket: bucketOf(options.rollupsBefore), stepRows };
}

/** Lets other work (requests, timers) run between compaction steps. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `step` (which deletes up to a step of rows and returns how many) until it deletes fewer
 * than a full step, or `signal` aborts. Returns the total deleted.
 */
export async function deleteInSteps(
  stepRows: number,
  step: () => number | Promise<number>,
  signal?: AbortSignal,
): Promise<number> {
  let total = 0;
  while (!signal?.aborted) {
    const deleted = await step();
    total += deleted;
    if (deleted < stepRows) break;
    await nextTurn();
  }
  return total;
}
