import type { Alert, AlertSinkV1 } from '@loom/core';
import { sleep } from './internal/sleep.js';

/** Options of `createInMemoryAlertSink`. */
export interface InMemoryAlertSinkOptions {
  /** Sink name; default `in-memory`. */
  name?: string;
  /** Fail the first N deliveries, then succeed (tests retries). */
  failTimes?: number;
  /** Fail every delivery. */
  fail?: boolean;
  /** Wait this long in every delivery, honouring the abort signal. */
  delayMs?: number;
}

/** An `AlertSinkV1` that keeps delivered alerts in memory. */
export interface InMemoryAlertSink extends AlertSinkV1 {
  /** Alerts delivered successfully, oldest first. */
  readonly alerts: readonly Alert[];
  /** Every `doSend` call, including failed and aborted ones. */
  readonly attempts: number;
  /** How many times `close()` was called. */
  readonly closeCount: number;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** Forgets alerts and attempts. */
  reset(): void;
  /** Marks the sink closed; safe to call again. */
  close(): Promise<void>;
}

/**
 * Creates an in-memory alert sink, for tests and demos. Failures are plain `Error`s: the kernel
 * retries and counts them, which is what failure options exist to exercise.
 */
export function createInMemoryAlertSink(options: InMemoryAlertSinkOptions = {}): InMemoryAlertSink {
  const name = options.name ?? 'in-memory';
  let alerts: Alert[] = [];
  let attempts = 0;
  let closeCount = 0;
  return {
    specificationVersion: 'v1',
    name,
    get alerts() {
      return alerts;
    },
    get attempts() {
      return attempts;
    },
    get closeCount() {
      return closeCount;
    },
    get closed() {
      return closeCount > 0;
    },
    async doSend(alert, context) {
      attempts += 1;
      const attempt = attempts;
      await sleep(options.delayMs ?? 0, context.signal);
      if (options.fail || attempt <= (options.failTimes ?? 0)) {
        throw new Error(
          `Alert sink '${name}' was told to fail delivery #${attempt} of '${alert.id}'.`,
        );
      }
      alerts.push(structuredClone(alert));
    },
    reset() {
      alerts = [];
      attempts = 0;
    },
    async close() {
      closeCount += 1;
    },
  };
}
