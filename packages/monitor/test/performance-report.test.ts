import {
  createMetricStore,
  createPerformanceReport,
  metricNames,
  reportToMarkdown,
} from '@loom/monitor';
import { describe, expect, it } from 'vitest';

const from = Date.UTC(2026, 0, 1);

// Nearest-rank percentile, the definition DDSketch's guarantee is stated against.
function exact(sorted: readonly number[], quantile: number): number {
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)]!;
}

describe('performance report', () => {
  it('matches exact percentiles of the recorded samples within the sketch relative error', () => {
    const store = createMetricStore({ now: () => from + 3_600_000 });
    const latencies: number[] = [];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let index = 0; index < 5_000; index++) {
      // Log-normal-ish latencies between ~50 ms and a few seconds, spread over 50 minutes.
      const seconds = 0.05 * Math.exp(4 * random() * random());
      latencies.push(seconds);
      const attributes = { 'gen_ai.provider.name': index % 3 === 0 ? 'a' : 'b' };
      store.record({
        name: metricNames.OPERATION_DURATION,
        kind: 'histogram',
        unit: 's',
        value: seconds,
        attributes,
        timestamp: from + index * 600,
      });
    }
    const report = createPerformanceReport(store, { from, to: from + 3_600_000 });
    latencies.sort((a, b) => a - b);
    expect(report.latency.count).toBe(5_000);
    for (const [quantile, got] of [
      [0.5, report.latency.p50],
      [0.95, report.latency.p95],
      [0.99, report.latency.p99],
    ] as const) {
      const want = exact(latencies, quantile);
      expect(Math.abs(got - want) / want).toBeLessThanOrEqual(report.relativeError + 1e-12);
    }
    expect(report.latency.min).toBe(latencies[0]);
    expect(report.latency.max).toBe(latencies.at(-1));
    expect(report.costUsd).toBeUndefined();
    expect(reportToMarkdown(report)).toContain('| operation duration | 5000 |');
  });

  it('includes cost when cost metrics were recorded', () => {
    const store = createMetricStore({ now: () => from });
    store.record({
      name: metricNames.SESSION_COST,
      kind: 'counter',
      value: 0.25,
      attributes: { 'loom.session.id': 's' },
      timestamp: from,
    });
    store.record({
      name: metricNames.SESSION_REQUESTS,
      kind: 'counter',
      value: 1,
      attributes: { 'loom.session.id': 's' },
      timestamp: from,
    });
    const report = createPerformanceReport(store, { from, to: from + 1_000 });
    expect(report.costUsd).toBe(0.25);
    expect(report.topSessions).toEqual([{ sessionId: 's', requests: 1, tokens: 0, costUsd: 0.25 }]);
  });

  it('lists only the errors and deployments seen inside the range', () => {
    const store = createMetricStore({ now: () => from + 3_600_000 });
    const attempt = (provider: string, timestamp: number) =>
      store.record({
        name: metricNames.OPERATION_DURATION,
        kind: 'histogram',
        unit: 's',
        value: 0.1,
        attributes: { 'gen_ai.provider.name': provider, 'gen_ai.request.model': 'm' },
        timestamp,
      });
    attempt('early', from + 60_000);
    store.record({
      name: metricNames.ERRORS,
      kind: 'counter',
      value: 1,
      attributes: { 'error.type': 'provider_error' },
      timestamp: from + 60_000,
    });
    attempt('late', from + 30 * 60_000);
    const late = createPerformanceReport(store, {
      from: from + 20 * 60_000,
      to: from + 40 * 60_000,
    });
    expect(late.errors).toEqual([]);
    expect(late.deployments.map((entry) => entry.provider)).toEqual(['late']);
  });
});
