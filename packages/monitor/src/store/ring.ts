import { DDSketch } from '@datadog/sketches-js';

/** Relative accuracy of every quantile the store returns: 1 %. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** Creates an empty sketch with the store's accuracy. */
export function createSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

/** Aggregates of a range of ring slots, merged. */
export interface SlotAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  first?: number;
  last?: number;
}

/**
 * One resolution of one series: a fixed ring of time slots in typed arrays (40 bytes a slot).
 * A slot is reused when its time comes round again, so memory never grows. Quantile sketches
 * are created only when a slot sees its third value: with one or two values, min and max are
 * the values themselves, which keeps sparse series (most of them) at 40 bytes a slot. Gauges and
 * counters keep no sketch at all: their quantiles are over slot means.
 */
export class Ring {
  private readonly epochs: Float64Array;
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private readonly sketches: (DDSketch | undefined)[];

  constructor(
    readonly resolutionMs: number,
    readonly slots: number,
    /** Keep a quantile sketch per slot (histograms); otherwise quantiles use slot means. */
    private readonly sketched = true,
  ) {
    this.epochs = new Float64Array(slots).fill(-1);
    this.counts = new Float64Array(slots);
    this.sums = new Float64Array(slots);
    this.mins = new Float64Array(slots);
    this.maxs = new Float64Array(slots);
    this.sketches = [];
  }

  /** Adds one value at `timestamp` (epoch ms). Values older than the ring are ignored. */
  add(value: number, timestamp: number): void {
    const epoch = Math.floor(timestamp / this.resolutionMs);
    const position = epoch % this.slots;
    const current = this.epochs[position]!;
    if (current !== epoch) {
      if (current > epoch) return;
      this.epochs[position] = epoch;
      this.counts[position] = 1;
      this.sums[position] = value;
      this.mins[position] = value;
      this.maxs[position] = value;
      if (this.sketches[position] !== undefined) this.sketches[position] = undefined;
      return;
    }
    const count = this.counts[position]!;
    this.counts[position] = count + 1;
    this.sums[position]! += value;
    const min = this.mins[position]!;
    const max = this.maxs[position]!;
    if (!this.sketched) {
      // Gauges and counters: quantiles come from slot means, no sketch to feed.
    } else if (count === 2) {
      const sketch = createSketch();
      sketch.accept(min);
      sketch.accept(max);
      sketch.accept(value);
      this.sketches[position] = sketch;
    } else if (count > 2) {
      this.sketches[position]!.accept(value);
    }
    if (value < min) this.mins[position] = value;
    if (value > max) this.maxs[position] = value;
  }

  /** The oldest timestamp this ring can still answer for, given the newest `now`. */
  horizon(now: number): number {
    return (Math.floor(now / this.resolutionMs) - this.slots + 1) * this.resolutionMs;
  }

  /**
   * Merges the slots overlapping [from, to) into `into`, and their values into `sketch` when
   * given. A slot counts when its start lies inside the range.
   */
  collect(from: number, to: number, into: SlotAggregate, sketch?: DDSketch): void {
    const first = Math.ceil(from / this.resolutionMs);
    const last = Math.ceil(to / this.resolutionMs) - 1;
    for (let epoch = Math.max(first, last - this.slots + 1); epoch <= last; epoch++) {
      const position = epoch % this.slots;
      if (this.epochs[position] !== epoch) continue;
      const count = this.counts[position]!;
      const min = this.mins[position]!;
      const max = this.maxs[position]!;
      const sum = this.sums[position]!;
      into.count += count;
      into.sum += sum;
      if (min < into.min) into.min = min;
      if (max > into.max) into.max = max;
      into.first ??= sum / count;
      into.last = sum / count;
      if (!sketch) continue;
      const slotSketch = this.sketches[position];
      if (!this.sketched) sketch.accept(sum / count, count);
      else if (slotSketch) sketch.merge(slotSketch);
      else {
        sketch.accept(min);
        if (count === 2) sketch.accept(max);
      }
    }
  }

  /** Bytes held by the typed arrays (sketches excluded). */
  get bytes(): number {
    return this.slots * 5 * Float64Array.BYTES_PER_ELEMENT;
  }
}
