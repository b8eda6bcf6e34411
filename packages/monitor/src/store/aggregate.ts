import { LogSketch } from './log-sketch.js';
import type { QueryResult, Resolution } from './query-types.js';
import type { Series } from './series.js';
import { addSlotValues, type SlotAggregate } from './slot.js';

/** Milliseconds per slot of each resolution. */
export const RESOLUTION_MS: Record<Resolution, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '1h': 3_600_000,
};

/** Resolutions from finest to coarsest. */
export const RESOLUTIONS: readonly Resolution[] = ['1s', '1m', '1h'];

const SECONDS_PER_SLOT: Record<Resolution, number> = { '1s': 1, '1m': 60, '1h': 3_600 };

// Queries never overlap (the store is synchronous), so one sketch serves them all.
const scratch = new LogSketch();

/** A result with no data: count 0 and NaN statistics. */
export function emptyResult(resolution: Resolution): QueryResult {
  const nan = Number.NaN;
  return {
    count: 0,
    sum: 0,
    avg: nan,
    min: nan,
    max: nan,
    rate: 0,
    p50: nan,
    p95: nan,
    p99: nan,
    first: nan,
    last: nan,
    resolution,
  };
}

/**
 * Aggregates `series` over [from, to) at `resolution`: a slot counts when its start lies in the
 * range. Reads each series' ring and its still-open second.
 */
export function aggregate(
  series: readonly Series[],
  from: number,
  to: number,
  resolution: Resolution,
): QueryResult {
  const slotMs = RESOLUTION_MS[resolution];
  const first = Math.ceil(from / slotMs);
  const last = Math.ceil(to / slotMs) - 1;
  const into: SlotAggregate = { count: 0, sum: 0, min: Infinity, max: -Infinity };
  scratch.reset();
  let counter = true;
  for (const one of series) {
    const ring = resolution === '1s' ? one.seconds : resolution === '1m' ? one.minutes : one.hours;
    ring.collect(first, last, into, scratch);
    collectOpen(one, resolution, first, last, into);
    if (one.kind !== 'counter') counter = false;
  }
  if (into.count === 0) return emptyResult(resolution);
  const seconds = Math.max(to - from, 1) / 1_000;
  const clamp = (value: number) => Math.min(into.max, Math.max(into.min, value));
  return {
    count: into.count,
    sum: into.sum,
    avg: into.sum / into.count,
    min: into.min,
    max: into.max,
    rate: (counter ? into.sum : into.count) / seconds,
    p50: clamp(scratch.quantile(0.5)),
    p95: clamp(scratch.quantile(0.95)),
    p99: clamp(scratch.quantile(0.99)),
    first: into.first ?? Number.NaN,
    last: into.last ?? Number.NaN,
    resolution,
  };
}

function collectOpen(
  series: Series,
  resolution: Resolution,
  first: number,
  last: number,
  into: SlotAggregate,
): void {
  const count = series.openCount;
  if (count === 0) return;
  const epoch = Math.floor(series.openEpoch / SECONDS_PER_SLOT[resolution]);
  if (epoch < first || epoch > last) return;
  const { openSum: sum, openMin: min, openMax: max } = series;
  into.count += count;
  into.sum += sum;
  if (min < into.min) into.min = min;
  if (max > into.max) into.max = max;
  into.first ??= sum / count;
  into.last = sum / count;
  if (series.openSketch) addSlotValues(scratch, count, sum, min, max, series.openSketch);
  else scratch.add(sum / count, count);
}
