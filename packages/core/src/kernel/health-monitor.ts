import { TimeoutError } from '../errors/timeout-error.js';
import type { HealthReport } from '../spec/provider/v1/health-report.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { EventBus } from './event-bus.js';

/**
 * Calls every provider's `doHealth` on a jittered interval (so many gateways do not probe in
 * step) and keeps the last report. Timers are unref'd: health checks never keep a process alive.
 */
export class HealthMonitor {
  private readonly reports = new Map<string, HealthReport>();
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
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.timeoutMs)]);
    let report: HealthReport;
    try {
      report = await provider.doHealth!({ signal });
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
    }
    if (!this.running) return;
    const previous = this.reports.get(provider.id)?.status;
    this.reports.set(provider.id, report);
    this.events.emit('provider:health', { providerId: provider.id, report, previous });
    this.schedule(provider);
  }
}
