import { LogSketch } from './log-sketch.js';

/** Aggregates of a range of slots, merged. `first` / `last` are the means of the first and last slot. */
export interface SlotAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  first?: number;
  last?: number;
}

/** One slot as persistence reads and writes it. */
export interface StoredSlot {
  /** Slot number: epoch ms divided by the resolution. */
  epoch: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** `LogSketch.encode()` of the slot's values, for histograms with more than two values. */
  sketch?: Uint8Array;
}

/** A slot's values as a sketch: `LogSketch`, an encoded one, or none (min and max say it all). */
export type SlotSketch = LogSketch | Uint8Array | undefined;

// One scratch sketch for merging slot sketches; the store is single-threaded and never re-enters.
const scratch = new LogSketch();

/** Adds one slot's values to `sketch`: its own sketch, or its min / max when it has at most two. */
export function addSlotValues(
  sketch: LogSketch,
  count: number,
  sum: number,
  min: number,
  max: number,
  slotSketch: SlotSketch,
): void {
  if (slotSketch instanceof Uint8Array) sketch.mergeEncoded(slotSketch);
  else if (slotSketch) sketch.merge(slotSketch);
  else if (count === 1) sketch.add(sum);
  else if (count === 2) {
    sketch.add(min);
    sketch.add(max);
  } else sketch.add(sum / count, count);
}

/**
 * The encoded sketch of two merged slots, or undefined when the merged slot has at most two
 * values (its min and max are then its values).
 */
export function mergeSlotSketches(
  a: { count: number; sum: number; min: number; max: number; sketch: SlotSketch },
  b: { count: number; sum: number; min: number; max: number; sketch: SlotSketch },
): Uint8Array | undefined {
  if (a.count + b.count <= 2) return undefined;
  if (b.count === 0 && a.sketch instanceof Uint8Array) return a.sketch;
  scratch.reset();
  if (a.count > 0) addSlotValues(scratch, a.count, a.sum, a.min, a.max, a.sketch);
  if (b.count > 0) addSlotValues(scratch, b.count, b.sum, b.min, b.max, b.sketch);
  return scratch.encode();
}
