import type { LogSketch } from './log-sketch.js';
import {
  addSlotValues,
  mergeSlotSketches,
  type SlotAggregate,
  type SlotSketch,
  type StoredSlot,
} from './slot.js';

// Per entry: epoch, count, sum, min, max.
const STRIDE = 5;
const FIRST_CAPACITY = 4;

/**
 * One resolution of one series as a list of non-empty slots in time order, for rings that are
 * mostly empty (1 s slots of a series seen once a minute; 1 h slots of a young store). Memory
 * follows the slots that hold data, up to `slots` entries of 40 bytes; entries older than the
 * newest epoch minus `slots` are dropped as new ones arrive.
 */
export class SparseRing {
  private data: Float64Array | undefined;
  private sketches: (Uint8Array | undefined)[] | undefined;
  private start = 0;
  private size = 0;
  /** Oldest epoch written since `takeDirty` last ran. */
  private dirtyFrom = Number.POSITIVE_INFINITY;

  constructor(
    readonly slots: number,
    /** Histogram: keep a sketch per slot; otherwise quantiles use slot means. */
    private readonly sketched: boolean,
  ) {}

  /** Merges an aggregate into the slot `epoch`. Epochs older than the ring are ignored. */
  add(epoch: number, count: number, sum: number, min: number, max: number, sketch: SlotSketch) {
    const newest = this.size === 0 ? Number.NEGATIVE_INFINITY : this.epochAt(this.size - 1);
    if (epoch <= newest - this.slots) return;
    let index = this.size - 1;
    if (epoch > newest) {
      this.expire(epoch);
      index = this.append(epoch);
    } else {
      while (index >= 0 && this.epochAt(index) > epoch) index--;
      if (index < 0 || this.epochAt(index) !== epoch) index = this.insertAfter(index, epoch);
    }
    this.merge(index, count, sum, min, max, sketch);
    if (epoch < this.dirtyFrom) this.dirtyFrom = epoch;
  }

  /** Forgets slots that are out of the ring once `epoch` is the newest. */
  touch(epoch: number): void {
    this.expire(epoch);
  }

  /** Merges the slots of epochs [first, last] into `into` and their values into `sketch`. */
  collect(first: number, last: number, into: SlotAggregate, sketch?: LogSketch): void {
    const data = this.data;
    if (!data || this.size === 0) return;
    const horizon = this.epochAt(this.size - 1) - this.slots + 1;
    for (let index = 0; index < this.size; index++) {
      const offset = this.offset(index);
      const epoch = data[offset]!;
      if (epoch < first || epoch < horizon) continue;
      if (epoch > last) break;
      const count = data[offset + 1]!;
      const sum = data[offset + 2]!;
      const min = data[offset + 3]!;
      const max = data[offset + 4]!;
      into.count += count;
      into.sum += sum;
      if (min < into.min) into.min = min;
      if (max > into.max) into.max = max;
      into.first ??= sum / count;
      into.last = sum / count;
      if (!sketch) continue;
      if (this.sketched) addSlotValues(sketch, count, sum, min, max, this.sketch(index));
      else sketch.add(sum / count, count);
    }
  }

  /** Slots written since the last call (every slot the first time), then forgets them. */
  takeDirty(): StoredSlot[] {
    const from = this.dirtyFrom;
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    const slots: StoredSlot[] = [];
    const data = this.data;
    if (!data) return slots;
    for (let index = 0; index < this.size; index++) {
      const offset = this.offset(index);
      if (data[offset]! < from) continue;
      const slot: StoredSlot = {
        epoch: data[offset]!,
        count: data[offset + 1]!,
        sum: data[offset + 2]!,
        min: data[offset + 3]!,
        max: data[offset + 4]!,
      };
      const sketch = this.sketch(index);
      if (sketch) slot.sketch = sketch;
      slots.push(slot);
    }
    return slots;
  }

  /** Bytes held by the entries and sketches. */
  get bytes(): number {
    let bytes = 64 + (this.data ? this.data.byteLength + 64 : 0);
    for (const sketch of this.sketches ?? []) if (sketch) bytes += sketch.byteLength + 64;
    return bytes;
  }

  private capacity(): number {
    return this.data ? this.data.length / STRIDE : 0;
  }

  private offset(index: number): number {
    return ((this.start + index) % this.capacity()) * STRIDE;
  }

  private epochAt(index: number): number {
    return this.data![this.offset(index)]!;
  }

  private sketch(index: number): Uint8Array | undefined {
    return this.sketches?.[(this.start + index) % this.capacity()];
  }

  /** Drops entries that fall out of the ring once `epoch` is the newest. */
  private expire(epoch: number): void {
    while (this.size > 0 && this.epochAt(0) <= epoch - this.slots) {
      if (this.sketches) this.sketches[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity();
      this.size--;
    }
  }

  private append(epoch: number): number {
    if (this.size === this.capacity()) this.grow();
    const index = this.size++;
    this.clear(index, epoch);
    return index;
  }

  /** Opens a slot for a late epoch right after entry `index` (-1: at the front), keeping order. */
  private insertAfter(index: number, epoch: number): number {
    if (this.size === this.capacity()) this.grow();
    const data = this.data!;
    for (let moved = this.size - 1; moved > index; moved--) {
      const from = this.offset(moved);
      const to = this.offset(moved + 1);
      data.copyWithin(to, from, from + STRIDE);
      if (this.sketches) {
        const capacity = this.capacity();
        this.sketches[(this.start + moved + 1) % capacity] =
          this.sketches[(this.start + moved) % capacity];
      }
    }
    this.size++;
    this.clear(index + 1, epoch);
    return index + 1;
  }

  private clear(index: number, epoch: number): void {
    const offset = this.offset(index);
    this.data!.fill(0, offset, offset + STRIDE);
    this.data![offset] = epoch;
    if (this.sketches) this.sketches[(this.start + index) % this.capacity()] = undefined;
  }

  private merge(
    index: number,
    count: number,
    sum: number,
    min: number,
    max: number,
    sketch: SlotSketch,
  ) {
    const data = this.data!;
    const offset = this.offset(index);
    const old = data[offset + 1]!;
    if (this.sketched) {
      this.sketches ??= [];
      const sketches = this.sketches;
      const position = (this.start + index) % this.capacity();
      sketches[position] = mergeSlotSketches(
        {
          count: old,
          sum: data[offset + 2]!,
          min: data[offset + 3]!,
          max: data[offset + 4]!,
          sketch: sketches[position],
        },
        { count, sum, min, max, sketch },
      );
    }
    data[offset + 1] = old + count;
    data[offset + 2] = data[offset + 2]! + sum;
    data[offset + 3] = old === 0 || min < data[offset + 3]! ? min : data[offset + 3]!;
    data[offset + 4] = old === 0 || max > data[offset + 4]! ? max : data[offset + 4]!;
  }

  private grow(): void {
    const capacity = this.capacity();
    const next = Math.min(this.slots, Math.max(FIRST_CAPACITY, capacity * 2));
    if (next === capacity) {
      // Full at `slots` entries with late epochs inside the range: drop the oldest.
      this.start = (this.start + 1) % capacity;
      this.size--;
      return;
    }
    const data = new Float64Array(next * STRIDE);
    const sketches: (Uint8Array | undefined)[] | undefined = this.sketches ? [] : undefined;
    for (let index = 0; index < this.size; index++) {
      const from = this.offset(index);
      data.set(this.data!.subarray(from, from + STRIDE), index * STRIDE);
      if (sketches) sketches[index] = this.sketch(index);
    }
    this.data = data;
    this.sketches = sketches;
    this.start = 0;
  }
}
