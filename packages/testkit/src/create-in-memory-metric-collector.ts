import type { CollectorContext, Metric, MetricCollectorV1 } from '@loom/core';

/** Options of `createInMemoryMetricCollector`. */
export interface InMemoryMetricCollectorOptions {
  /** Collector name; default `in-memory`. */
  name?: string;
  /** Emit `sample()` every `intervalMs` while started. */
  intervalMs?: number;
  /** Metrics to emit on each interval tick. */
  sample?: () => readonly Metric[];
}

/** A `MetricCollectorV1` driven by the test: `push` emits, `collect` reads back. */
export interface InMemoryMetricCollector extends MetricCollectorV1 {
  /** Emits metrics through the kernel; throws when the collector is not started. */
  push(...metrics: Metric[]): void;
  /** The last batch emitted (pushed or sampled). */
  collect(): readonly Metric[];
  /** How many times `start` was called. */
  readonly startCount: number;
  /** How many times `stop` was called. */
  readonly stopCount: number;
  /** True between `start` and `stop`. */
  readonly running: boolean;
}

/** Creates an in-memory metric collector, for tests of the kernel's metric pipeline. */
export function createInMemoryMetricCollector(
  options: InMemoryMetricCollectorOptions = {},
): InMemoryMetricCollector {
  const name = options.name ?? 'in-memory';
  let context: CollectorContext | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let last: readonly Metric[] = [];
  let startCount = 0;
  let stopCount = 0;

  const emit = (metrics: readonly Metric[]) => {
    if (!context) {
      throw new Error(
        `Metric collector '${name}' is not started; start it (or the kernel holding it) before push().`,
      );
    }
    last = metrics;
    context.emit(metrics);
  };

  return {
    specificationVersion: 'v1',
    name,
    get startCount() {
      return startCount;
    },
    get stopCount() {
      return stopCount;
    },
    get running() {
      return context !== undefined;
    },
    start(collectorContext) {
      startCount += 1;
      context = collectorContext;
      const { intervalMs, sample } = options;
      if (intervalMs && sample && !timer) {
        timer = setInterval(() => emit(sample()), intervalMs);
        // A test double must never be what keeps a process alive.
        timer.unref?.();
      }
    },
    stop() {
      stopCount += 1;
      if (timer) clearInterval(timer);
      timer = undefined;
      context = undefined;
    },
    push(...metrics) {
      emit(metrics);
    },
    collect() {
      return last;
    },
  };
}
