import type { KernelEventSource } from '../../plugin/v1/kernel-events.js';
import type { Metric } from './metric.js';

/** What a collector receives when it starts. */
export interface CollectorContext {
  /** Sends metrics into the kernel's metric pipeline (the `metric` event). Never throws. */
  emit(metrics: Metric | readonly Metric[]): void;
  /** The kernel's typed events, for collectors that derive metrics from requests. */
  events: KernelEventSource;
  /** The kernel's clock, epoch milliseconds (injectable in tests). */
  now(): number;
}

/**
 * Produces metrics (system, LLM, session, ...). Started when the kernel starts and stopped when it
 * stops; it pushes with `context.emit`, on a timer or from events, and removes everything it
 * added (timers, listeners) in `stop`.
 */
export interface MetricCollectorV1 {
  /** Contract version this object implements. */
  readonly specificationVersion: 'v1';
  /** Unique name within a kernel. */
  readonly name: string;
  /** Begins collecting. */
  start(context: CollectorContext): void | Promise<void>;
  /** Stops collecting and releases timers and listeners. Safe to call twice. */
  stop(): void | Promise<void>;
  /** Takes a reading now, for pull-based exporters; optional. */
  collect?(): readonly Metric[] | Promise<readonly Metric[]>;
}
