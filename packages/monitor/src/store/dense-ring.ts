import type { LogSketch } from './log-sketch.js';
import {
  addSlotValues,
  mergeSlotSketches,
  type SlotAggregate,
  type SlotSketch,
  type StoredSlot,
} from './slot.js';

const UINT8_LIMIT = 255;

/**
 * One resolution of one series as dense columns, for rings that fill up (1 min × 24 h). Slot
 * epochs are implicit (the ring knows its newest epoch and clears slots as it moves on), counts
 * start as one byte, and min / max columns exist only once a slot holds two values (with one,
 * min = max = sum). A full slot of a counter costs 9 bytes. Nothing is allocated until the first
 * value arrives.
 */
export class DenseRing {
  private head = Number.NEGATIVE_INFINITY;
  private sums: Float64Array | undefined;
  private counts: Uint8Array | Float64Array | undefined;
  private mins: Float64Array | undefined;
  private maxs: Float64Array | undefined;
  private sketches: (Uint8Array | undefined)[] | undefined;
  /** Oldest epoch written since `takeDirty` last ran. */
  private dirtyFrom = Number.POSITIVE_INFINITY;

  constructor(
    readonly slots: number,
    /** Histogram: keep a sketch per slot; otherwise quantiles use slot means. */
    private readonly sketched: boolean,
  ) {}

  /** Merges an aggregate into the slot `epoch`. Epochs older than the ring are ignored. */
  add(epoch: number, count: number, sum: number, min: number, max: number, sketch: SlotSketch) {
    if (epoch > this.head) this.advance(epoch);
    else if (epoch <= this.head - this.slots) return;
    this.sums ??= new Float64Array(this.slots);
    const sums = this.sums;
    this.counts ??= new Uint8Array(this.slots);
    let counts = this.counts;
    const position = epoch % this.slots;
    const old = counts[position]!;
    if (this.sketched) {
      this.sketches ??= [];
      const sketches = this.sketches;
      sketches[position] = mergeSlotSketches(
        {
          count: old,
          sum: sums[position]!,
          min: old === 0 ? 0 : this.min(position),
          max: old === 0 ? 0 : this.max(position),
          sketch: sketches[position],
        },
        { count, sum, min, max, sketch },
      );
    }
    const total = old + count;
    if (total > UINT8_LIMIT && counts instanceof Uint8Array) counts = this.widenCounts();
    if (total > 1) {
      this.mins ??= new Float64Array(this.slots);
      const mins = this.mins;
      this.maxs ??= new Float64Array(this.slots);
      const maxs = this.maxs;
      const oldMin = old === 1 ? sums[position]! : mins[position]!;
      const oldMax = old === 1 ? sums[position]! : maxs[position]!;
      mins[position] = old === 0 || min < oldMin ? min : oldMin;
      maxs[position] = old === 0 || max > oldMax ? max : oldMax;
    }
    sums[position] = old === 0 ? sum : sums[position]! + sum;
    counts[position] = total;
    if (epoch < this.dirtyFrom) this.dirtyFrom = epoch;
  }

  /** Moves the ring on to `epoch`, clearing the slots it passes. */
  touch(epoch: number): void {
    if (epoch > this.head) this.advance(epoch);
  }

  /** Merges the slots of epochs [first, last] into `into` and their values into `sketch`. */
  collect(first: number, last: number, into: SlotAggregate, sketch?: LogSketch): void {
    const { sums, counts } = this;
    if (!sums || !counts) return;
    const to = Math.min(last, this.head);
    for (let epoch = Math.max(first, this.head - this.slots + 1); epoch <= to; epoch++) {
      const position = epoch % this.slots;
      const count = counts[position]!;
      if (count === 0) continue;
      const sum = sums[position]!;
      const min = count === 1 ? sum : this.mins![position]!;
      const max = count === 1 ? sum : this.maxs![position]!;
      into.count += count;
      into.sum += sum;
      if (min < into.min) into.min = min;
      if (max > into.max) into.max = max;
      into.first ??= sum / count;
      into.last = sum / count;
      if (!sketch) continue;
      if (this.sketched) addSlotValues(sketch, count, sum, min, max, this.sketches?.[position]);
      else sketch.add(sum / count, count);
    }
  }

  /** Slots written since the last call (every slot the first time), then forgets them. */
  takeDirty(): StoredSlot[] {
    const from = this.dirtyFrom;
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    const slots: StoredSlot[] = [];
    if (!this.sums || !this.counts || from === Number.POSITIVE_INFINITY) return slots;
    for (let epoch = Math.max(from, this.head - this.slots + 1); epoch <= this.head; epoch++) {
      const position = epoch % this.slots;
      const count = this.counts[position]!;
      if (count === 0) continue;
      const slot: StoredSlot = {
        epoch,
        count,
        sum: this.sums[position]!,
        min: this.min(position),
        max: this.max(position),
      };
      const sketch = this.sketches?.[position];
      if (sketch) slot.sketch = sketch;
      slots.push(slot);
    }
    return slots;
  }

  /** Bytes held by the columns and sketches. */
  get bytes(): number {
    let bytes = 64;
    for (const column of [this.sums, this.counts, this.mins, this.maxs]) {
      if (column) bytes += column.byteLength + 64;
    }
    for (const sketch of this.sketches ?? []) if (sketch) bytes += sketch.byteLength + 64;
    return bytes;
  }

  private min(position: number): number {
    return this.counts![position] === 1 ? this.sums![position]! : (this.mins?.[position] ?? 0);
  }

  private max(position: number): number {
    return this.counts![position] === 1 ? this.sums![position]! : (this.maxs?.[position] ?? 0);
  }

  private advance(epoch: number): void {
    if (this.counts && this.head !== Number.NEGATIVE_INFINITY) {
      const clear = Math.min(epoch - this.head, this.slots);
      for (let step = 1; step <= clear; step++) {
        const position = (this.head + step) % this.slots;
        this.counts[position] = 0;
        if (this.sketches) this.sketches[position] = undefined;
      }
    }
    this.head = epoch;
  }

  private widenCounts(): Float64Array {
    const wide = Float64Array.from(this.counts!);
    this.counts = wide;
    return wide;
  }
}
