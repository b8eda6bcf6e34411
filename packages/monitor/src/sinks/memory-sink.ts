import type { Alert, AlertSinkV1 } from '@loom/core';

/** Options of `createMemorySink`. */
export interface MemorySinkOptions {
  /** Sink name; default `memory`. */
  name?: string;
  /** Alerts kept, oldest dropped first; default 1 000. */
  capacity?: number;
}

/** An alert sink that keeps alerts in memory, for dashboards and tests. */
export interface MemorySink extends AlertSinkV1 {
  /** Alerts received, oldest first. */
  readonly alerts: readonly Alert[];
  /** Forgets every alert. */
  clear(): void;
}

/** Creates an in-memory alert sink. */
export function createMemorySink(options: MemorySinkOptions = {}): MemorySink {
  const capacity = options.capacity ?? 1_000;
  const alerts: Alert[] = [];
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'memory',
    alerts,
    async doSend(alert, { signal }) {
      signal.throwIfAborted();
      alerts.push(structuredClone(alert));
      if (alerts.length > capacity) alerts.shift();
    },
    clear() {
      alerts.length = 0;
    },
    async close() {},
  };
}
