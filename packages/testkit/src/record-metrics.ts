import type { KernelEventSource, Metric } from '@loom/core';

/** Metrics seen on a kernel's `metric` event, and a way to stop listening. */
export interface MetricRecording {
  /** Every metric emitted since recording began, oldest first. */
  readonly metrics: Metric[];
  /** Removes the listener; later metrics are not recorded. */
  stop(): void;
}

/** Records every metric a kernel emits (collect them from `kernel.events`). */
export function recordMetrics(events: KernelEventSource): MetricRecording {
  const metrics: Metric[] = [];
  const listener = (batch: readonly Metric[]) => {
    metrics.push(...batch);
  };
  events.on('metric', listener);
  return {
    metrics,
    stop() {
      events.off('metric', listener);
    },
  };
}
