import { createMetricStore, SKETCH_RELATIVE_ACCURACY } from '@loom/monitor';
import { describe, expect, it } from 'vitest';

const base = Date.UTC(2026, 0, 1);

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('MetricStore', () => {
  it('aggregates a range with avg, min, max, sum, rate and percentiles', () => {
    const store = createMetricStore({ now: () => base + 60_000 });
    const values: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const value = 0.01 + ((i * 7919) % 1000) / 100;
      values.push(value);
      store.record({
        name: 'latency',
        kind: 'histogram',
        value,
        timestamp: base + (i % 60) * 1_000,
      });
    }
    const result = store.query({ name: 'latency', from: base, to: base + 60_000 });
    values.sort((a, b) => a - b);
    expect(result.count).toBe(1_000);
    expect(result.min).toBe(values[0]);
    expect(result.max).toBe(values.at(-1));
    expect(result.avg).toBeCloseTo(values.reduce((a, b) => a + b) / 1_000, 9);
    expect(result.rate).toBeCloseTo(1_000 / 60, 6);
    expect(result.resolution).toBe('1s');
    for (const [q, got] of [
      [0.5, result.p50],
      [0.95, result.p95],
      [0.99, result.p99],
    ] as const) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY + 1e-9);
    }
  });

  it('filters by attributes, groups, and reports counters as a rate of their sum', () => {
    const store = createMetricStore({ now: () => base });
    const a = { provider: 'a' };
    const b = { provider: 'b' };
    for (let i = 0; i < 10; i++) {
      store.record({
        name: 'requests',
        kind: 'counter',
        value: 1,
        attributes: a,
        timestamp: base + i,
      });
      store.record({
        name: 'requests',
        kind: 'counter',
        value: 2,
        attributes: b,
        timestamp: base + i,
      });
    }
    expect(store.query({ name: 'requests', from: base, to: base + 1_000 }).rate).toBe(30);
    expect(store.query({ name: 'requests', from: base, to: base + 1_000, attributes: a }).sum).toBe(
      10,
    );
    const groups = store.queryGroups({
      name: 'requests',
      from: base,
      to: base + 1_000,
      groupBy: ['provider'],
    });
    expect(groups.map((group) => [group.attributes.provider, group.result.sum])).toEqual([
      ['a', 10],
      ['b', 20],
    ]);
  });

  it('falls back to coarser resolutions once the fine ring has wrapped', () => {
    const now = base + 3 * 3_600_000;
    const store = createMetricStore({ now: () => now });
    store.record({ name: 'gauge', kind: 'gauge', value: 5, timestamp: base });
    store.record({ name: 'gauge', kind: 'gauge', value: 7, timestamp: now - 1_000 });
    const wide = store.query({ name: 'gauge', from: base, to: now });
    expect(wide.resolution).toBe('1m');
    expect(wide.count).toBe(2);
    expect(store.query({ name: 'gauge', from: base, to: now, resolution: '1s' }).count).toBe(1);
    expect(store.query({ name: 'gauge', from: base, to: now, resolution: '1h' }).max).toBe(7);
  });

  it('caps the number of series, dropping the least recently written to make room', () => {
    const store = createMetricStore({ maxSeries: 3 });
    for (let i = 0; i < 10; i++) {
      store.record({
        name: 'x',
        kind: 'gauge',
        value: i,
        attributes: { id: i },
        timestamp: base + i,
      });
    }
    expect(store.stats()).toMatchObject({
      series: 3,
      recorded: 10,
      droppedPoints: 0,
      droppedSeries: 7,
    });
    expect(store.listSeries('x').map((series) => series.attributes?.id)).toEqual([7, 8, 9]);
  });

  it('keeps series still written while a flood of new ones (sessions) passes the cap', () => {
    const store = createMetricStore({ maxSeries: 100 });
    const core = { 'gen_ai.provider.name': 'openai' };
    const first = { session: 's0' };
    for (let i = 0; i < 2_000; i++) {
      const timestamp = base + i * 10;
      store.record({ name: 'requests', kind: 'counter', value: 1, attributes: core, timestamp });
      const session = i === 0 ? first : { session: `s${i}` };
      store.record({ name: 'session', kind: 'counter', value: 1, attributes: session, timestamp });
    }
    const stats = store.stats();
    expect(stats.series).toBeLessThanOrEqual(100);
    expect(stats.droppedSeries).toBe(2_001 - stats.series);
    expect(store.query({ name: 'requests', from: base, to: base + 20_000 }).sum).toBe(2_000);
    // A collector still holding a dropped series' attributes object starts a new series.
    expect(store.listSeries('session').some((series) => series.attributes?.session === 's0')).toBe(
      false,
    );
    store.record({
      name: 'session',
      kind: 'counter',
      value: 5,
      attributes: first,
      timestamp: base + 20_000,
    });
    const again = store.query({
      name: 'session',
      attributes: { session: 's0' },
      from: base,
      to: base + 30_000,
    });
    expect(again.sum).toBe(5);
  });

  it('answers an empty range with count 0 and NaN statistics', () => {
    const store = createMetricStore();
    const result = store.query({ name: 'none', from: base, to: base + 1 });
    expect(result.count).toBe(0);
    expect(result.p99).toBeNaN();
  });
});
