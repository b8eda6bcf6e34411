import type { MetricAttributes, MetricKind } from '@loom/core';
import { DenseRing } from './dense-ring.js';
import { LogSketch } from './log-sketch.js';
import type { SeriesInfo } from './query-types.js';
import { SparseRing } from './sparse-ring.js';

/** Slots per resolution. */
export interface RingSizes {
  '1s': number;
  '1m': number;
  '1h': number;
}

/**
 * One series: the second being written (`open*`, plain fields so the hot path allocates
 * nothing), and a ring per resolution. The open second is folded into all three rings when a
 * point for a later second arrives, when persistence flushes, or never (queries read it as is).
 */
export class Series implements SeriesInfo {
  unit?: string;
  attributes?: MetricAttributes;
  lastTimestamp: number;
  /** Dropped from the store to keep within its cap: a reference to it is stale. */
  dropped = false;
  openEpoch = -1;
  openCount = 0;
  openSum = 0;
  openMin = 0;
  openMax = 0;
  readonly openSketch: LogSketch | undefined;
  readonly seconds: SparseRing;
  readonly minutes: DenseRing;
  readonly hours: SparseRing;

  constructor(
    readonly key: string,
    readonly name: string,
    readonly kind: MetricKind,
    sizes: RingSizes,
    timestamp: number,
  ) {
    const sketched = kind === 'histogram';
    this.lastTimestamp = timestamp;
    this.openSketch = sketched ? new LogSketch() : undefined;
    this.seconds = new SparseRing(sizes['1s'], sketched);
    this.minutes = new DenseRing(sizes['1m'], sketched);
    this.hours = new SparseRing(sizes['1h'], sketched);
  }

  /** Adds one value of second `epoch` (epoch ms / 1000). */
  add(value: number, epoch: number): void {
    if (epoch !== this.openEpoch) {
      if (epoch < this.openEpoch) {
        this.addLate(value, epoch);
        return;
      }
      this.close();
      this.openEpoch = epoch;
      // The rings must forget what the new second pushes out of them, even before it closes.
      this.seconds.touch(epoch);
      this.minutes.touch(Math.floor(epoch / 60));
      this.hours.touch(Math.floor(epoch / 3_600));
    }
    if (this.openCount === 0) {
      this.openMin = value;
      this.openMax = value;
    } else if (value < this.openMin) this.openMin = value;
    else if (value > this.openMax) this.openMax = value;
    this.openCount++;
    this.openSum += value;
    this.openSketch?.add(value);
  }

  /** Folds the open second into the rings. */
  close(): void {
    const count = this.openCount;
    if (count === 0) return;
    const epoch = this.openEpoch;
    const sketch = count > 2 ? this.openSketch : undefined;
    const { openSum: sum, openMin: min, openMax: max } = this;
    this.seconds.add(epoch, count, sum, min, max, sketch);
    this.minutes.add(Math.floor(epoch / 60), count, sum, min, max, sketch);
    this.hours.add(Math.floor(epoch / 3_600), count, sum, min, max, sketch);
    this.openCount = 0;
    this.openSum = 0;
    this.openSketch?.reset();
  }

  /** Bytes held by the rings, the open sketch and the series itself (estimated). */
  get bytes(): number {
    return (
      this.seconds.bytes +
      this.minutes.bytes +
      this.hours.bytes +
      (this.openSketch?.bytes ?? 0) +
      this.key.length * 2 +
      200
    );
  }

  private addLate(value: number, epoch: number): void {
    this.seconds.add(epoch, 1, value, value, value, undefined);
    this.minutes.add(Math.floor(epoch / 60), 1, value, value, value, undefined);
    this.hours.add(Math.floor(epoch / 3_600), 1, value, value, value, undefined);
  }
}
