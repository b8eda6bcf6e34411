import { TimeoutError } from '../errors/timeout-error.js';
import type { HealthReport } from '../spec/provider/v1/health-report.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { EventBus } from './event-bus.js';

/**
 * Calls every provider's `doHealth` on a jittered interval (so many gateways do not probe in
 * step) and keeps the last report. Timers are unref'd: health checks never keep a process alive.
 * A provider with no report is given the benefit of the doubt; a provider whose upstream lacks
 * the probed endpoint reports `degraded` with the reason (v1 has no `unknown`), which routes like
 * `up`: traffic and the circuit breaker decide. A check that rejects or throws, against the
 * contract, counts as `down` with the error's message; one that outlives the time limit, as
 * `down` with a timeout message. A real request that succeeds marks a `down` provider up at once.
 */
export class HealthMonitor {
  private readonly reports = new Map<string, HealthReport>();
  /** When a real request last brought each provider back up. */
  private readonly upByTraffic = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly controller = new AbortController();
  private running = false;

  constructor(
    private readonly providers: ReadonlyMap<string, ProviderV1>,
    private readonly events: EventBus,
    private readonly now: () => number,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.running) return;
    this.running = true;
    for (const provider of this.providers.values()) {
      if (provider.doHealth) void this.check(provider);
    }
  }

  stop(): void {
    this.running = false;
    this.controller.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  report(providerId: string): HealthReport | undefined {
    return this.reports.get(providerId);
  }

  /** A real request to the provider succeeded: a `down` report gives way to `up` at once. */
  trafficSucceeded(providerId: string): void {
    if (this.reports.get(providerId)?.status !== 'down') return;
    const now = this.now();
    const report: HealthReport = { status: 'up', checkedAt: now };
    this.reports.set(providerId, report);
    this.upByTraffic.set(providerId, now);
    this.events.emit('provider:health', { providerId, report, previous: 'down' });
  }

  private schedule(provider: ProviderV1): void {
    if (!this.running) return;
    const delay = this.intervalMs * (0.8 + Math.random() * 0.4);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.check(provider);
    }, delay);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async check(provider: ProviderV1): Promise<void> {
    const started = performance.now();
    const startedAt = this.now();
    // A timer of our own, not AbortSignal.timeout: Node 20 may collect a timeout signal that only
    // AbortSignal.any refers to, and then a hung check would never end.
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort(), this.timeoutMs);
    timer.unref?.();
    const signal = AbortSignal.any([this.controller.signal, limit.signal]);
    let report: HealthReport;
    try {
      report = await untilAborted(provider.doHealth!({ signal }), signal);
    } catch (error) {
      if (!this.running) return;
      const message = signal.aborted
        ? new TimeoutError({ phase: 'health', timeoutMs: this.timeoutMs, provider: provider.id })
            .message
        : error instanceof Error
          ? error.message
          : String(error);
      report = {
        status: 'down',
        checkedAt: this.now(),
        latencyMs: performance.now() - started,
        message,
      };
    } finally {
      clearTimeout(timer);
    }
    if (!this.running) return;
    // A check that began before a real request succeeded says nothing newer than that success.
    if (report.status === 'down' && (this.upByTraffic.get(provider.id) ?? -1) >= startedAt) {
      this.schedule(provider);
      return;
    }
    const previous = this.reports.get(provider.id)?.status;
    this.reports.set(provider.id, report);
    this.events.emit('provider:health', { providerId: provider.id, report, previous });
    this.schedule(provider);
  }
}

/**
 * Settles with `value`, or rejects once `signal` aborts: a check that ignores its signal still
 * ends at the timeout, so its provider is reported down and checked again.
 */
function untilAborted<T>(value: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
