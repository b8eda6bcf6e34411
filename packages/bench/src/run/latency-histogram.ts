import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from '../results-schema.js';

// Microsecond integers from 1 us to one hour, 3 significant digits (0.1 % resolution).
const HIGHEST_US = 3_600_000_000;

/** An HDR histogram of durations, recorded in microseconds and reported in milliseconds. */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one duration in milliseconds. */
  record(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    this.histogram.recordValue(us);
  }

  /** How many durations were recorded. */
  get count(): number {
    return this.histogram.totalCount;
  }

  /** A percentile in milliseconds (0 when empty). */
  percentile(p: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(p) / 1000;
  }

  /** Count, min, mean, p50 to p99.9 and max in milliseconds, rounded to the microsecond. */
  summary(): Percentiles {
    const round = (us: number) => Math.round(us) / 1000;
    const h = this.histogram;
    return {
      count: h.totalCount,
      min: round(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue),
      mean: round(h.mean),
      p50: round(h.getValueAtPercentile(50)),
      p90: round(h.getValueAtPercentile(90)),
      p95: round(h.getValueAtPercentile(95)),
      p99: round(h.getValueAtPercentile(99)),
      p999: round(h.getValueAtPercentile(99.9)),
      max: round(h.maxValue),
    };
  }
}
