import type { Series } from './series.js';

/** The `count` series of `indexes` whose last point is oldest. */
export function leastRecentlyWritten(
  indexes: Iterable<{ series: readonly Series[] }>,
  count: number,
): Series[] {
  const all: Series[] = [];
  for (const index of indexes) for (const series of index.series) all.push(series);
  // Stable sort: among equal times, series created first go first.
  all.sort((a, b) => a.lastTimestamp - b.lastTimestamp);
  return all.slice(0, Math.floor(count));
}
