import { ConfigError } from '@loom/core';
import { createMetricStore, SKETCH_RELATIVE_ACCURACY } from '@loom/monitor';
import { describe, expect, it } from 'vitest';

const base = Date.UTC(2026, 0, 1);

function nearestRank(sorted: readonly number[], quantile: number): number {
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)]!;
}

describe('MetricStore time series and folded resolutions', () => {
  it('answers a chart query per step, with null for empty steps and per-step rates', () => {
    const store = createMetricStore({ now: () => base + 3_600_000 });
    const provider = (name: string) => ({ 'gen_ai.provider.name': name });
    // Minutes 0-9: 1 request/s from a; minutes 20-29: 2 per second from b; nothing in between.
    for (let second = 0; second < 1_800; second++) {
      const minute = Math.floor(second / 60);
      const timestamp = base + second * 1_000;
      if (minute < 10) {
        store.record({
          name: 'requests',
          kind: 'counter',
          value: 1,
          attributes: provider('a'),
          timestamp,
        });
      } else if (minute >= 20) {
        store.record({
          name: 'requests',
          kind: 'counter',
          value: 2,
          attributes: provider('b'),
          timestamp,
        });
      }
    }
    const points = store.queryRange(
      { name: 'requests', from: base, to: base + 1_800_000 },
      600_000,
    );
    expect(points.map(([start]) => start)).toEqual([base, base + 600_000, base + 1_200_000]);
    expect(points[0]![1]).toMatchObject({ sum: 600, rate: 1, resolution: '1m' });
    expect(points[1]![1]).toBeNull();
    expect(points[2]![1]).toMatchObject({ sum: 1_200, rate: 2 });

    const groups = store.queryRangeGroups(
      { name: 'requests', from: base, to: base + 1_800_000, groupBy: ['gen_ai.provider.name'] },
      900_000,
    );
    expect(
      groups.map((group) => [
        group.attributes['gen_ai.provider.name'],
        group.points.map(([, r]) => r?.sum ?? null),
      ]),
    ).toEqual([
      ['a', [600, null]],
      ['b', [null, 1_200]],
    ]);
    expect(() =>
      store.queryRange({ name: 'requests', from: base, to: base + 86_400_000 }, 1),
    ).toThrow(ConfigError);
  });

  it('keeps percentiles within the stated error at 1 s, 1 min and 1 h, open second included', () => {
    const store = createMetricStore({ now: () => base + 3_600_000 });
    const values: number[] = [];
    let seed = 3;
    for (let index = 0; index < 20_000; index++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const value = 0.02 * Math.exp((6 * seed) / 2 ** 31);
      values.push(value);
      // 200 points per second over 100 s, the last second left open.
      store.record({
        name: 'latency',
        kind: 'histogram',
        value,
        attributes: { model: index % 2 === 0 ? 'x' : 'y' },
        timestamp: base + 3_500_000 + Math.floor(index / 200) * 1_000,
      });
    }
    values.sort((a, b) => a - b);
    for (const resolution of ['1s', '1m', '1h'] as const) {
      const result = store.query({
        name: 'latency',
        from: base,
        to: base + 3_600_000,
        resolution,
      });
      expect(result.count, resolution).toBe(20_000);
      expect(result.min).toBe(values[0]);
      expect(result.max).toBe(values.at(-1));
      for (const [quantile, got] of [
        [0.5, result.p50],
        [0.95, result.p95],
        [0.99, result.p99],
      ] as const) {
        const exact = nearestRank(values, quantile);
        expect(Math.abs(got - exact) / exact, `${resolution} p${quantile}`).toBeLessThanOrEqual(
          SKETCH_RELATIVE_ACCURACY,
        );
      }
    }
  });

  it('merges points that arrive late into the right slots', () => {
    const store = createMetricStore({ now: () => base + 600_000 });
    store.record({ name: 'g', kind: 'gauge', value: 10, timestamp: base + 120_000 });
    store.record({ name: 'g', kind: 'gauge', value: 20, timestamp: base + 180_000 });
    store.record({ name: 'g', kind: 'gauge', value: 5, timestamp: base + 121_500 });
    store.record({ name: 'g', kind: 'gauge', value: 1, timestamp: base + 60_000 });
    const minute = (from: number) =>
      store.query({ name: 'g', from: base + from, to: base + from + 60_000, resolution: '1m' });
    expect(minute(60_000)).toMatchObject({ count: 1, sum: 1 });
    expect(minute(120_000)).toMatchObject({ count: 2, sum: 15, min: 5, max: 10 });
    expect(minute(180_000)).toMatchObject({ count: 1, sum: 20 });
    const seconds = store.queryRange(
      { name: 'g', from: base + 120_000, to: base + 123_000, resolution: '1s' },
      1_000,
    );
    expect(seconds.map(([, result]) => result?.sum ?? null)).toEqual([10, 5, null]);
  });

  it('drops non-finite values and reports a byte estimate that grows with data', () => {
    const store = createMetricStore();
    const empty = store.stats().bytes;
    store.record({ name: 'g', kind: 'gauge', value: Number.NaN, timestamp: base });
    store.record({ name: 'g', kind: 'gauge', value: Number.POSITIVE_INFINITY, timestamp: base });
    for (let minute = 0; minute < 600; minute++) {
      store.record({ name: 'g', kind: 'gauge', value: minute, timestamp: base + minute * 60_000 });
    }
    const stats = store.stats();
    expect(stats).toMatchObject({ series: 1, recorded: 600, droppedPoints: 2, maxSeries: 10_000 });
    expect(stats.bytes).toBeGreaterThan(empty + 600 * 9);
    // A counter minute costs 9 bytes in the 1 min ring; the other rings stay small.
    expect(stats.bytes).toBeLessThan(40_000);
  });
});
