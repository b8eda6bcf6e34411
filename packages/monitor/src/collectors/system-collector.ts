import os from 'node:os';
import {
  type IntervalHistogram,
  monitorEventLoopDelay,
  PerformanceObserver,
} from 'node:perf_hooks';
import type { CollectorContext, Metric, MetricCollectorV1 } from '@loom/core';
import {
  type GcReading,
  gcMetric,
  readEventLoop,
  readHost,
  readProcess,
} from './system-readings.js';

/** Options of `createSystemCollector`. */
export interface SystemCollectorOptions {
  /** Collector name; default `system`. */
  name?: string;
  /** How often to emit a reading; default 10 000 ms. The first reading is emitted on start. */
  intervalMs?: number;
}

/** A `MetricCollectorV1` with the readings it takes. */
export interface SystemCollector extends MetricCollectorV1 {
  collect(): readonly Metric[];
}

/**
 * Process and host CPU, load average, memory (RSS, heap, external), event-loop delay percentiles
 * and GC pause durations, emitted every `intervalMs`.
 */
export function createSystemCollector(options: SystemCollectorOptions = {}): SystemCollector {
  const intervalMs = options.intervalMs ?? 10_000;
  let context: CollectorContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  let loop: IntervalHistogram | undefined;
  let observer: PerformanceObserver | undefined;
  let gcPauses: GcReading[] = [];
  let lastCpu = process.cpuUsage();
  let lastHost = os.cpus();
  let lastAt = performance.now();

  const collect = (): Metric[] => {
    const timestamp = context?.now() ?? Date.now();
    const elapsedMs = Math.max(performance.now() - lastAt, 1);
    const cpu = process.cpuUsage();
    const host = os.cpus();
    const metrics = [
      ...readProcess(lastCpu, cpu, elapsedMs, timestamp),
      ...readHost(lastHost, host, timestamp),
      ...(loop ? readEventLoop(loop, timestamp) : []),
      ...gcPauses.map((pause) => gcMetric(pause, timestamp)),
    ];
    loop?.reset();
    gcPauses = [];
    lastCpu = cpu;
    lastHost = host;
    lastAt = performance.now();
    return metrics;
  };

  return {
    specificationVersion: 'v1',
    name: options.name ?? 'system',
    start(collectorContext) {
      context = collectorContext;
      loop = monitorEventLoopDelay({ resolution: 20 });
      loop.enable();
      observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const detail = (entry as { detail?: unknown }).detail as { kind?: number } | undefined;
          const kind = detail?.kind ?? 0;
          if (gcPauses.length < 1_000) gcPauses.push({ durationMs: entry.duration, kind });
        }
      });
      observer.observe({ entryTypes: ['gc'] });
      const emit = () => context?.emit(collect());
      emit();
      timer = setInterval(emit, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      loop?.disable();
      observer?.disconnect();
      timer = undefined;
      loop = undefined;
      observer = undefined;
      context = undefined;
    },
    collect,
  };
}
