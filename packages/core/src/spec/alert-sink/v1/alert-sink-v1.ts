import type { Alert } from './alert.js';

/**
 * Delivers alerts somewhere (a log, a webhook, memory). The kernel calls `doSend` off the request
 * path, retries a failed delivery a few times with backoff, counts failures and emits
 * `alert:delivery-failed`; a sink's failure never reaches a request.
 */
export interface AlertSinkV1 {
  /** Contract version this object implements. */
  readonly specificationVersion: 'v1';
  /** Unique name within a kernel. */
  readonly name: string;
  /** Delivers one alert; rejects when delivery failed. Must honour the signal (a timeout). */
  doSend(alert: Alert, context: { signal: AbortSignal }): Promise<void>;
  /** Flushes and releases resources. Called once when the kernel stops. */
  close?(): Promise<void>;
}
