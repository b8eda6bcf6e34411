import type { Alert } from '../spec/alert-sink/v1/alert.js';
import type { AlertSinkV1 } from '../spec/alert-sink/v1/alert-sink-v1.js';
import type { EventBus } from './event-bus.js';
import type { StatsRecorder } from './kernel-stats.js';

/** Delivery policy for alert sinks. */
export interface AlertDeliveryOptions {
  /** Tries per alert and sink, including the first; default 3. */
  attempts?: number;
  /** Wait before the first retry, doubling each time; default 200 ms. */
  backoffMs?: number;
  /** Time limit of one `doSend`; default 5 000 ms. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * Sends alerts to every sink off the request path. Failures are retried with backoff, then
 * counted and emitted as `alert:delivery-failed`; nothing is ever thrown to the caller.
 */
export class AlertDispatcher {
  private readonly pending = new Set<Promise<void>>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly sinks: ReadonlyMap<string, AlertSinkV1>,
    private readonly events: EventBus,
    private readonly stats: StatsRecorder,
    options: AlertDeliveryOptions = {},
  ) {
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.backoffMs = options.backoffMs ?? 200;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  dispatch(alert: Alert): void {
    this.events.emit(alert.state === 'firing' ? 'alert:firing' : 'alert:resolved', alert);
    for (const sink of this.sinks.values()) {
      const delivery = this.deliver(sink, alert).finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  /** Waits for deliveries under way, up to `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return;
    await Promise.race([Promise.allSettled([...this.pending]), sleep(timeoutMs)]);
  }

  private async deliver(sink: AlertSinkV1, alert: Alert): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        await sink.doSend(alert, { signal: AbortSignal.timeout(this.timeoutMs) });
        this.stats.alerts.sent += 1;
        return;
      } catch (error) {
        lastError = error;
        if (attempt < this.attempts) await sleep(this.backoffMs * 2 ** (attempt - 1));
      }
    }
    this.stats.alerts.deliveryFailures += 1;
    this.events.emit('alert:delivery-failed', {
      sink: sink.name,
      alert,
      error: lastError,
      attempts: this.attempts,
    });
  }
}
