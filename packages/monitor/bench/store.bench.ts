// Store benchmark: ingest rate, memory for 10k series x 24 h at 1-minute resolution, and a 1 h
// range query. Run with `pnpm bench` (node --expose-gc gives steadier memory numbers).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metric } from '@loom/core';
import { createMetricStore } from '@loom/monitor';

const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(here, '../../../bench/results/monitor-store.json');
const gc = (globalThis as { gc?: () => void }).gc;
const settle = () => {
  gc?.();
  gc?.();
};
const start = Date.UTC(2026, 0, 1);

function ingest(): { pointsPerSecond: number; points: number } {
  const store = createMetricStore({ now: () => start + 3_600_000 });
  const series = Array.from({ length: 1_000 }, (_, index) => ({
    provider: `p${index % 10}`,
    model: `m${index}`,
  }));
  const points = 3_000_000;
  const metrics: Metric[] = series.map((attributes) => ({
    name: 'gen_ai.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    value: 0,
    attributes,
    timestamp: start,
  }));
  // Warm-up so the JIT and every series exist before timing.
  for (let index = 0; index < 200_000; index++) {
    const metric = metrics[index % metrics.length]!;
    metric.value = (index % 997) / 100;
    store.record(metric);
  }
  const began = process.hrtime.bigint();
  for (let index = 0; index < points; index++) {
    const metric = metrics[index % metrics.length]!;
    metric.value = 0.01 + (index % 997) / 100;
    metric.timestamp = start + Math.floor(index / 1_000);
    store.record(metric);
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return { pointsPerSecond: Math.round(points / seconds), points };
}

function memory(): {
  series: number;
  pointsPerSeries: number;
  heapBytes: number;
  arrayBufferBytes: number;
  totalBytes: number;
  bytesPerSeries: number;
  storeBytesEstimate: number;
  queryMs: number;
  rangeQueryMs: number;
} {
  settle();
  const before = process.memoryUsage();
  const store = createMetricStore({ maxSeries: 10_000, now: () => start + 86_400_000 });
  const seriesCount = 10_000;
  const attributes = Array.from({ length: seriesCount }, (_, index) => ({
    'loom.session.id': `s${index}`,
  }));
  for (let minute = 0; minute < 1_440; minute++) {
    const timestamp = start + minute * 60_000;
    for (let index = 0; index < seriesCount; index++) {
      store.record({
        name: 'loom.session.tokens',
        kind: 'counter',
        value: minute,
        attributes: attributes[index]!,
        timestamp,
      });
    }
  }
  settle();
  const after = process.memoryUsage();
  const heapBytes = after.heapUsed - before.heapUsed;
  const arrayBufferBytes = after.arrayBuffers - before.arrayBuffers;
  const timings: number[] = [];
  for (let run = 0; run < 20; run++) {
    const began = performance.now();
    store.query({
      name: 'loom.session.tokens',
      from: start + 23 * 3_600_000,
      to: start + 24 * 3_600_000,
      attributes: { 'loom.session.id': `s${run}` },
    });
    timings.push(performance.now() - began);
  }
  timings.sort((a, b) => a - b);
  // A chart: the last hour in 60 one-minute steps, merging all 10k series.
  const rangeTimings: number[] = [];
  for (let run = 0; run < 20; run++) {
    const began = performance.now();
    store.queryRange(
      { name: 'loom.session.tokens', from: start + 23 * 3_600_000, to: start + 24 * 3_600_000 },
      60_000,
    );
    rangeTimings.push(performance.now() - began);
  }
  rangeTimings.sort((a, b) => a - b);
  return {
    series: store.stats().series,
    pointsPerSeries: 1_440,
    heapBytes,
    arrayBufferBytes,
    totalBytes: heapBytes + arrayBufferBytes,
    bytesPerSeries: Math.round((heapBytes + arrayBufferBytes) / seriesCount),
    storeBytesEstimate: store.stats().bytes,
    queryMs: Number(timings[Math.floor(timings.length / 2)]!.toFixed(3)),
    rangeQueryMs: Number(rangeTimings[Math.floor(rangeTimings.length / 2)]!.toFixed(3)),
  };
}

const ingestResult = ingest();
const memoryResult = memory();
const result = {
  benchmark: 'monitor-store',
  date: new Date().toISOString(),
  node: process.version,
  gcExposed: gc !== undefined,
  ingest: {
    ...ingestResult,
    targetPointsPerSecond: 1_000_000,
    met: ingestResult.pointsPerSecond >= 1_000_000,
  },
  memory10kSeries24h: memoryResult,
  rangeQuery1h: { medianMs: memoryResult.queryMs, targetMs: 5, met: memoryResult.queryMs <= 5 },
};
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);
console.table({
  'ingest points/s': ingestResult.pointsPerSecond,
  '10k x 24h heap MB': (memoryResult.heapBytes / 2 ** 20).toFixed(1),
  '10k x 24h typed arrays MB': (memoryResult.arrayBufferBytes / 2 ** 20).toFixed(1),
  'bytes per series': memoryResult.bytesPerSeries,
  '1 h query ms (median)': memoryResult.queryMs,
  '1 h x 60 steps, all 10k series, ms': memoryResult.rangeQueryMs,
});
console.log(`written to ${output}`);
