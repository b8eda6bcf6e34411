import type { Kernel, KernelEvents } from '@loom/core';

interface Entry {
  micros: number;
  unpriced: boolean;
}

/**
 * What each request cost, from the kernel's `cost:recorded` events (every billed attempt), so the
 * gateway can answer with `x-loom-cost-usd`. The gateway reads an entry once; entries nobody
 * reads (streams) are dropped oldest first past `capacity`.
 */
export class RequestCostLog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  /** Listens to a kernel's cost events; returns the function that stops listening. */
  watch(kernel: Kernel): () => void {
    const onCost = (event: KernelEvents['cost:recorded']) => this.add(event);
    kernel.events.on('cost:recorded', onCost);
    return () => kernel.events.off('cost:recorded', onCost);
  }

  /** Adds one attempt's cost to its request. */
  add(event: { requestId: string; costMicros: number; unpriced: boolean }): void {
    const entry = this.entries.get(event.requestId);
    if (entry) {
      entry.micros += event.costMicros;
      entry.unpriced ||= event.unpriced;
      return;
    }
    this.entries.set(event.requestId, { micros: event.costMicros, unpriced: event.unpriced });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /**
   * The request's cost in micro-dollars, and forgets it. Undefined when nothing was priced, or
   * when some attempt was unpriced: a partial sum would understate the cost.
   */
  take(requestId: string): number | undefined {
    const entry = this.entries.get(requestId);
    this.entries.delete(requestId);
    return entry && !entry.unpriced ? entry.micros : undefined;
  }
}
