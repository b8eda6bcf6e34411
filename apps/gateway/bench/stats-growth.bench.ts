// The metric store behind `/api/stats` as history grows: 0 / 100k / 1M / 10M requests recorded
// over 30 days (the points the LLM and session collectors write per request, one session per ten
// requests), then the dashboard's `/api/stats` series for its 15-minute and 24-hour windows.
// The store keeps fixed rings per series and caps series, so time and memory should stay flat.
// Sizes: `node bench/stats-growth.bench.ts 0,100000`. Results: bench/results/stats-growth.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metric, MetricAttributes } from '@loom/core';
import { createMetricStore, type MetricStore, metricNames } from '@loom/monitor';
import { statsSeries } from '../src/api/stats-series.js';

const sizes = (process.argv[2] ?? '0,100000,1000000,10000000').split(',').map(Number);
const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 30, 14, 23, 17);
const start = now - 30 * DAY;
const { ATTR } = metricNames;
const gc = (globalThis as { gc?: () => void }).gc;
const round = (value: number) => Math.round(value * 100) / 100;

// One attributes object per distinct set, as the collectors share them.
const sets = Array.from({ length: 21 }, (_, index) => {
  const deployment: MetricAttributes = {
    [ATTR.operation]: 'chat',
    [ATTR.provider]: ['openai', 'groq', 'anthropic'][index % 3] as string,
    [ATTR.requestModel]: `model-${index % 7}`,
  };
  return {
    deployment,
    outcome: { ...deployment, [ATTR.outcome]: 'success' },
    input: { ...deployment, [ATTR.tokenType]: 'input' },
    output: { ...deployment, [ATTR.tokenType]: 'output' },
  };
});

/** Records the points of `count` requests spread evenly over the 30 days before `now`. */
function fill(store: MetricStore, count: number): number {
  const began = performance.now();
  let session: MetricAttributes = {};
  const record = (
    name: string,
    kind: Metric['kind'],
    value: number,
    attributes: MetricAttributes,
    timestamp: number,
  ) => store.record({ name, kind, value, attributes, timestamp });
  for (let index = 0; index < count; index += 1) {
    const time = start + Math.floor((index * 30 * DAY) / count);
    const set = sets[index % sets.length] as (typeof sets)[number];
    if (index % 10 === 0)
      session = { [ATTR.session]: `s${index / 10}`, [ATTR.user]: `u${index % 200}` };
    record(metricNames.REQUESTS, 'counter', 1, set.outcome, time);
    record(
      metricNames.OPERATION_DURATION,
      'histogram',
      0.2 + (index % 97) / 100,
      set.outcome,
      time,
    );
    record(
      metricNames.TIME_TO_FIRST_CHUNK,
      'histogram',
      0.05 + (index % 31) / 1000,
      set.deployment,
      time,
    );
    record(metricNames.TOKEN_USAGE, 'histogram', 100 + (index % 900), set.input, time);
    record(metricNames.TOKEN_USAGE, 'histogram', 50 + (index % 400), set.output, time);
    record(metricNames.COST, 'counter', 0.0004, set.deployment, time);
    record(metricNames.SESSION_REQUESTS, 'counter', 1, session, time);
    record(metricNames.SESSION_COST, 'counter', 0.0004, session, time);
  }
  return count === 0 ? 0 : Math.round(count / ((performance.now() - began) / 1000));
}

function medianMs(run: () => unknown, runs = 21): number {
  run();
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const began = performance.now();
    run();
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)] ?? 0);
}

const rows: Array<Record<string, number>> = [];
for (const size of sizes) {
  gc?.();
  const store = createMetricStore({ now: () => now });
  const requestsPerSecond = fill(store, size);
  gc?.();
  const heapAfter = process.memoryUsage();
  const stats = store.stats();
  rows.push({
    requests: size,
    recordPerSecond: requestsPerSecond,
    stats15mMs: medianMs(() => statsSeries(store, 15 * 60_000, 10_000, now)),
    stats24hMs: medianMs(() => statsSeries(store, DAY, 60_000, now)),
    series: stats.series,
    droppedSeries: stats.droppedSeries,
    storeMb: round(stats.bytes / 2 ** 20),
    // The whole process's heap and typed arrays after a collection: earlier sizes' stores are gone.
    heapMb: round((heapAfter.heapUsed + heapAfter.arrayBuffers) / 2 ** 20),
  });
}

console.table(rows);
const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(here, '../../../bench/results/stats-growth.json');
mkdirSync(dirname(output), { recursive: true });
writeFileSync(
  output,
  `${JSON.stringify(
    {
      benchmark: 'stats-growth',
      description:
        "The metric store behind /api/stats after N requests' points over 30 days: the dashboard's series (15 min and 24 h windows), median ms, and the store's size",
      gcExposed: gc !== undefined,
      rows,
      environment: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${output}`);
