/** Relative accuracy of every quantile the store returns: 1 %. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

// Bins are built a little finer than stated so float rounding at a bin edge stays inside 1 %.
const ACCURACY = 0.0099;
const GAMMA = (1 + ACCURACY) / (1 - ACCURACY);
const MULTIPLIER = 1 / Math.log(GAMMA);
// The representative of bin k, gamma^k * (1 - accuracy), is within `ACCURACY` of all of (gamma^(k-1), gamma^k].
const REPRESENTATIVE = 1 - ACCURACY;
/** Magnitudes below this count as zero. */
const MIN_MAGNITUDE = 1e-9;
/** Most bins per sign; past it the smallest magnitudes are folded together (as DDSketch does). */
const MAX_BINS = 4_096;
const EMPTY = new Float64Array(0);

/** Dense counts for a contiguous range of bin indexes, grown on demand. */
class Bins {
  offset = 0;
  counts: Float64Array = EMPTY;
  total = 0;

  add(index: number, weight: number): void {
    let position = index - this.offset;
    if (position < 0 || position >= this.counts.length) position = this.grow(index);
    this.counts[position]! += weight;
    this.total += weight;
  }

  reset(): void {
    if (this.total === 0) return;
    this.counts.fill(0);
    this.total = 0;
  }

  private grow(index: number): number {
    const old = this.counts;
    if (old.length === 0) {
      this.counts = new Float64Array(64);
      this.offset = index - 32;
      return 32;
    }
    let lowUsed = 0;
    while (lowUsed < old.length && old[lowUsed] === 0) lowUsed++;
    let highUsed = old.length - 1;
    while (highUsed >= 0 && old[highUsed] === 0) highUsed--;
    if (highUsed < lowUsed) {
      // Empty (after a reset): keep the buffer, centred on the new value.
      this.offset = index - (old.length >> 1);
      return old.length >> 1;
    }
    const high = Math.max(this.offset + highUsed, index);
    let low = Math.min(this.offset + lowUsed, index);
    if (high - low + 1 > MAX_BINS) {
      // Fold the smallest magnitudes into the lowest bin kept.
      low = high - MAX_BINS + 1;
      index = Math.max(index, low);
    }
    const span = high - low + 1;
    const size = Math.min(MAX_BINS, Math.max(64, span * 2));
    const newOffset = low - ((size - span) >> 1);
    const counts = new Float64Array(size);
    for (let position = lowUsed; position <= highUsed; position++) {
      const count = old[position]!;
      if (count !== 0) counts[Math.max(this.offset + position, low) - newOffset]! += count;
    }
    this.counts = counts;
    this.offset = newOffset;
    return index - newOffset;
  }
}

function binIndex(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) * MULTIPLIER);
}

function binValue(index: number): number {
  return GAMMA ** index * REPRESENTATIVE;
}

/**
 * A mergeable quantile sketch with logarithmic bins (the DDSketch scheme): any quantile it returns
 * is within 1 % of the exact nearest-rank value (`SKETCH_RELATIVE_ACCURACY`). Weights are counts.
 * Encodes to a few bytes per non-empty bin, so old slots stay small.
 */
export class LogSketch {
  private readonly positive = new Bins();
  private negative: Bins | undefined;
  private zero = 0;

  /** Values added (sum of weights). */
  get count(): number {
    return this.positive.total + (this.negative?.total ?? 0) + this.zero;
  }

  /** Adds `value` `weight` times. Non-finite values are ignored. */
  add(value: number, weight = 1): void {
    if (value > MIN_MAGNITUDE) {
      if (value !== Number.POSITIVE_INFINITY) this.positive.add(binIndex(value), weight);
    } else if (value < -MIN_MAGNITUDE) {
      if (value === Number.NEGATIVE_INFINITY) return;
      this.negative ??= new Bins();
      this.negative.add(binIndex(-value), weight);
    } else if (!Number.isNaN(value)) {
      this.zero += weight;
    }
  }

  /** Adds every value of `other`. */
  merge(other: LogSketch): void {
    this.zero += other.zero;
    mergeBins(this.positive, other.positive);
    if (other.negative) {
      this.negative ??= new Bins();
      mergeBins(this.negative, other.negative);
    }
  }

  /** Empties the sketch, keeping its buffers. */
  reset(): void {
    this.positive.reset();
    this.negative?.reset();
    this.zero = 0;
  }

  /** The value at quantile `quantile` (0..1), nearest rank; NaN when empty. */
  quantile(quantile: number): number {
    const total = this.count;
    if (total === 0) return Number.NaN;
    const rank = Math.max(0, Math.ceil(quantile * total) - 1);
    let seen = 0;
    const negative = this.negative;
    if (negative) {
      for (let position = negative.counts.length - 1; position >= 0; position--) {
        seen += negative.counts[position]!;
        if (seen > rank) return -binValue(negative.offset + position);
      }
    }
    seen += this.zero;
    if (seen > rank) return 0;
    const { counts, offset } = this.positive;
    for (let position = 0; position < counts.length; position++) {
      seen += counts[position]!;
      if (seen > rank) return binValue(offset + position);
    }
    return binValue(offset + counts.length - 1);
  }

  /**
   * A compact encoding: varints of the zero count, then per sign the number of non-empty bins
   * and, for each, the index delta (zigzag) and the count. Counts are rounded to integers.
   */
  encode(): Uint8Array {
    const out: number[] = [];
    writeVarint(out, Math.round(this.zero));
    encodeBins(out, this.positive);
    if (this.negative) encodeBins(out, this.negative);
    else writeVarint(out, 0);
    return Uint8Array.from(out);
  }

  /** Adds every value of an `encode()`d sketch. */
  mergeEncoded(bytes: Uint8Array): void {
    const cursor = { bytes, at: 0 };
    this.zero += readVarint(cursor);
    decodeBins(cursor, this.positive);
    if (cursor.at < bytes.length && bytes[cursor.at] !== 0) {
      this.negative ??= new Bins();
      decodeBins(cursor, this.negative);
    }
  }

  /** Bytes held by the bins. */
  get bytes(): number {
    return this.positive.counts.byteLength + (this.negative?.counts.byteLength ?? 0) + 48;
  }
}

function mergeBins(into: Bins, from: Bins): void {
  const { counts, offset } = from;
  for (let position = 0; position < counts.length; position++) {
    const count = counts[position]!;
    if (count !== 0) into.add(offset + position, count);
  }
}

function encodeBins(out: number[], bins: Bins): void {
  const { counts, offset } = bins;
  let nonEmpty = 0;
  for (const count of counts) if (count !== 0) nonEmpty++;
  writeVarint(out, nonEmpty);
  let previous = 0;
  for (let position = 0; position < counts.length; position++) {
    const count = counts[position]!;
    if (count === 0) continue;
    const index = offset + position;
    const delta = index - previous;
    writeVarint(out, delta >= 0 ? delta * 2 : -delta * 2 - 1);
    writeVarint(out, Math.round(count));
    previous = index;
  }
}

function decodeBins(cursor: { bytes: Uint8Array; at: number }, into: Bins): void {
  const nonEmpty = readVarint(cursor);
  let index = 0;
  for (let bin = 0; bin < nonEmpty; bin++) {
    const zigzag = readVarint(cursor);
    index += zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    into.add(index, readVarint(cursor));
  }
}

// Varints by arithmetic, not bit operations, so counts past 2^31 survive.
function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function readVarint(cursor: { bytes: Uint8Array; at: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = cursor.bytes[cursor.at++];
    if (byte === undefined) throw new RangeError('Truncated sketch encoding.');
    value += (byte & 127) * scale;
    if (byte < 128) return value;
    scale *= 128;
  }
}
