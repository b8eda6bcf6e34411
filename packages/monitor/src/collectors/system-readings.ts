import os from 'node:os';
import type { IntervalHistogram } from 'node:perf_hooks';
import type { Metric } from '@loom/core';

/** A GC pause observed between readings. */
export interface GcReading {
  durationMs: number;
  kind: number;
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

const gauge = (name: string, value: number, unit: string, timestamp: number): Metric => ({
  name,
  value,
  kind: 'gauge',
  unit,
  timestamp,
});

/** Process CPU utilisation over the interval and memory now. */
export function readProcess(
  before: NodeJS.CpuUsage,
  after: NodeJS.CpuUsage,
  elapsedMs: number,
  timestamp: number,
): Metric[] {
  const cpuMs = (after.user - before.user + after.system - before.system) / 1_000;
  const memory = process.memoryUsage();
  return [
    gauge('process.cpu.utilization', cpuMs / elapsedMs / os.availableParallelism(), '1', timestamp),
    gauge('process.memory.usage', memory.rss, 'By', timestamp),
    gauge('v8js.memory.heap.used', memory.heapUsed, 'By', timestamp),
    gauge('v8js.memory.heap.limit', memory.heapTotal, 'By', timestamp),
    gauge('nodejs.memory.external', memory.external, 'By', timestamp),
  ];
}

/** Host CPU utilisation over the interval, load averages and free memory. */
export function readHost(before: os.CpuInfo[], after: os.CpuInfo[], timestamp: number): Metric[] {
  let busy = 0;
  let total = 0;
  after.forEach((cpu, index) => {
    const previous = before[index]?.times;
    if (!previous) return;
    const idle = cpu.times.idle - previous.idle;
    const all =
      cpu.times.user +
      cpu.times.nice +
      cpu.times.sys +
      cpu.times.irq +
      cpu.times.idle -
      (previous.user + previous.nice + previous.sys + previous.irq + previous.idle);
    busy += all - idle;
    total += all;
  });
  const [load1 = 0, load5 = 0, load15 = 0] = os.loadavg();
  return [
    gauge('system.cpu.utilization', total > 0 ? busy / total : 0, '1', timestamp),
    gauge('system.cpu.load_average.1m', load1, '1', timestamp),
    gauge('system.cpu.load_average.5m', load5, '1', timestamp),
    gauge('system.cpu.load_average.15m', load15, '1', timestamp),
    gauge('system.memory.free', os.freemem(), 'By', timestamp),
  ];
}

/** Event-loop delay percentiles since the last reset, in seconds. */
export function readEventLoop(loop: IntervalHistogram, timestamp: number): Metric[] {
  if (loop.count === 0) return [];
  const seconds = (nanoseconds: number) => nanoseconds / 1e9;
  return [
    gauge('nodejs.eventloop.delay.p50', seconds(loop.percentile(50)), 's', timestamp),
    gauge('nodejs.eventloop.delay.p90', seconds(loop.percentile(90)), 's', timestamp),
    gauge('nodejs.eventloop.delay.p99', seconds(loop.percentile(99)), 's', timestamp),
    gauge('nodejs.eventloop.delay.max', seconds(loop.max), 's', timestamp),
  ];
}

/** One GC pause as a `v8js.gc.duration` observation. */
export function gcMetric(pause: GcReading, timestamp: number): Metric {
  return {
    name: 'v8js.gc.duration',
    value: pause.durationMs / 1_000,
    kind: 'histogram',
    unit: 's',
    attributes: { 'v8js.gc.type': GC_KINDS[pause.kind] ?? 'other' },
    timestamp,
  };
}
