import { LogSketch, SKETCH_RELATIVE_ACCURACY } from '@loom/monitor';
import { describe, expect, it } from 'vitest';

function nearestRank(sorted: readonly number[], quantile: number): number {
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)]!;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

describe('LogSketch', () => {
  it('answers every quantile within the stated relative error of the exact value', () => {
    const random = seeded(7);
    for (const scale of [1e-6, 0.05, 1, 3_000, 1e9]) {
      const sketch = new LogSketch();
      const values: number[] = [];
      for (let index = 0; index < 20_000; index++) {
        const value = scale * Math.exp(6 * random() * random());
        values.push(value);
        sketch.add(value);
      }
      values.sort((a, b) => a - b);
      for (const quantile of QUANTILES) {
        const exact = nearestRank(values, quantile);
        const error = Math.abs(sketch.quantile(quantile) - exact) / exact;
        expect(error, `scale ${scale} q ${quantile}`).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
      }
    }
  });

  it('orders negative values, zero and positive values', () => {
    const sketch = new LogSketch();
    const values = [-50, -2, -0.5, 0, 0, 0.25, 3, 40, 500, 7_000];
    for (const value of values) sketch.add(value);
    for (const quantile of QUANTILES) {
      const exact = nearestRank(values, quantile);
      const got = sketch.quantile(quantile);
      if (exact === 0) expect(got).toBe(0);
      else expect(Math.abs(got - exact) / Math.abs(exact)).toBeLessThanOrEqual(0.01);
    }
    expect(new LogSketch().quantile(0.5)).toBeNaN();
  });

  it('merges the same through objects and through its compact encoding', () => {
    const random = seeded(11);
    const parts = Array.from({ length: 5 }, () => new LogSketch());
    const all: number[] = [];
    for (let index = 0; index < 10_000; index++) {
      const value = 0.001 + random() * random() * 30;
      all.push(value);
      parts[index % 5]!.add(value);
    }
    const merged = new LogSketch();
    const decoded = new LogSketch();
    let encodedBytes = 0;
    for (const part of parts) {
      merged.merge(part);
      const bytes = part.encode();
      encodedBytes += bytes.byteLength;
      decoded.mergeEncoded(bytes);
    }
    all.sort((a, b) => a - b);
    expect(decoded.count).toBe(10_000);
    for (const quantile of QUANTILES) {
      expect(decoded.quantile(quantile)).toBe(merged.quantile(quantile));
      const exact = nearestRank(all, quantile);
      expect(Math.abs(merged.quantile(quantile) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    // Far smaller than 8 bytes per value.
    expect(encodedBytes).toBeLessThan(5 * 1_200 * 4);
  });

  it('keeps large counts exact through the encoding', () => {
    const sketch = new LogSketch();
    sketch.add(2, 3e12);
    sketch.add(5, 1);
    const copy = new LogSketch();
    copy.mergeEncoded(sketch.encode());
    expect(copy.count).toBe(3e12 + 1);
    expect(copy.quantile(1)).toBeCloseTo(5, 1);
  });
});
