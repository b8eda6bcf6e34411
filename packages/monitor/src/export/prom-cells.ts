import type { Counter, Histogram } from 'prom-client';

/**
 * Fast updates of prom-client counters and histograms for label sets seen before.
 *
 * prom-client's `inc` / `observe` hash the labels object into a string key on every call, and
 * build a closure and a pair object on the way (the exporter's biggest cost). For a label set it has seen, this does what those methods do to the
 * label set's cell in the metric's `hashMap`, without the hashing: the first point of a label set
 * (and any point after `reset()` / `remove()` replaced the cell) still goes through the public
 * method, which creates the cell; then we find that cell once and keep it.
 *
 * This reads prom-client internals, so package.json pins prom-client to one version (15.1.3),
 * and every shape is checked at run time: anything unexpected, or a value prom-client treats
 * specially (not finite), takes the public method, exactly as before.
 */

type Labels = Record<string, string | number>;

/** prom-client's cell of one counter label set. */
interface CounterCell {
  value: number;
  labels: Labels;
}

/** prom-client's cell of one histogram label set: counts by upper bound (not cumulative). */
interface HistogramCell {
  sum: number;
  count: number;
  bucketValues: Record<string, number>;
  labels: Labels;
}

/** What prom-client keeps per metric (internal). */
interface Internals {
  hashMap?: Record<string, unknown>;
  upperBounds?: readonly number[];
}

/** One label set's cell, found in the metric's `hashMap` under `key`. */
export interface PromCell {
  key: string;
  cell: CounterCell | HistogramCell;
  /**
   * A histogram's bucket keys: its upper bounds as the property names `bucketValues` uses.
   * Indexing by the number itself converted it to a string on every point.
   */
  bucketKeys: readonly string[];
}

/** Finds the cell prom-client keeps for `labels` (after a public call created it). */
export function findCell(
  metric: Counter<string> | Histogram<string>,
  labels: Labels,
): PromCell | undefined {
  const hashMap = (metric as unknown as Internals).hashMap;
  if (typeof hashMap !== 'object' || hashMap === null) return undefined;
  for (const [key, cell] of Object.entries(hashMap)) {
    // Its fields are checked where they are updated.
    if (isCell(cell) && sameLabels(cell.labels, labels)) {
      const bounds = (metric as unknown as Internals).upperBounds;
      const bucketKeys = Array.isArray(bounds) ? bounds.map(String) : [];
      return { key, cell: cell as PromCell['cell'], bucketKeys };
    }
  }
  return undefined;
}

/** Adds `value` to a counter's cell; false when the public `inc` must do it. */
export function incCell(metric: Counter<string>, found: PromCell, value: number): boolean {
  const cell = found.cell as CounterCell;
  if (!Number.isFinite(value) || !isCurrent(metric, found) || typeof cell.value !== 'number')
    return false;
  cell.value += value;
  return true;
}

/** Observes `value` in a histogram's cell, as `observe` does; false when it must do it. */
export function observeCell(metric: Histogram<string>, found: PromCell, value: number): boolean {
  const cell = found.cell as HistogramCell;
  const bounds = (metric as unknown as Internals).upperBounds;
  if (
    !Number.isFinite(value) ||
    !isCurrent(metric, found) ||
    !Array.isArray(bounds) ||
    bounds.length !== found.bucketKeys.length ||
    typeof cell.sum !== 'number' ||
    typeof cell.count !== 'number' ||
    typeof cell.bucketValues !== 'object'
  ) {
    return false;
  }
  // The first bound the value fits under; none (above every bound) counts in +Inf only.
  let bucket: string | undefined;
  for (let index = 0; index < bounds.length; index++) {
    if (value <= (bounds[index] as number)) {
      bucket = found.bucketKeys[index] as string;
      break;
    }
  }
  // Checked before anything changes: a cell is updated whole or left to the public method.
  if (bucket !== undefined && typeof cell.bucketValues[bucket] !== 'number') return false;
  if (bucket !== undefined) cell.bucketValues[bucket] = (cell.bucketValues[bucket] as number) + 1;
  cell.sum += value;
  cell.count += 1;
  return true;
}

/** The cell is still the metric's (`reset()` and `remove()` replace or drop it). */
function isCurrent(metric: Counter<string> | Histogram<string>, found: PromCell): boolean {
  return (metric as unknown as Internals).hashMap?.[found.key] === found.cell;
}

function isCell(cell: unknown): cell is { labels: Labels } {
  return (
    typeof cell === 'object' &&
    cell !== null &&
    typeof (cell as { labels?: unknown }).labels === 'object'
  );
}

/** Same label names and values, as prom-client's label hash compares them (as strings). */
function sameLabels(a: Labels, b: Labels): boolean {
  const names = Object.keys(b);
  if (Object.keys(a).length !== names.length) return false;
  return names.every((name) => a[name] !== undefined && String(a[name]) === String(b[name]));
}
