import type { Alert } from '@loom/core';
import { AlertManager, type MetricStore } from '@loom/monitor';
import type { AlertsConfig } from '../config/plugins-schema.js';

/**
 * Runs the configured alert rules against the shared metric store, across reloads. The manager
 * (with its pending and firing state) is kept while the rules stay the same; new rules replace
 * it, and alerts still firing under the old rules are sent resolved so none is left dangling.
 */
export class AlertRules {
  private manager: AlertManager | undefined;
  private signature = '';

  constructor(
    private readonly store: MetricStore,
    /** Delivers through the current kernel (its sinks and `alert:*` events). */
    private readonly send: (alert: Alert) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The manager, when rules are configured. */
  get current(): AlertManager | undefined {
    return this.manager;
  }

  /** Applies `alerts` from a (new) config; throws `ConfigError` on a bad rule, keeping the old. */
  apply(alerts: AlertsConfig | undefined): void {
    const signature = JSON.stringify([alerts?.rules, alerts?.silences, alerts?.intervalMs]);
    if (signature === this.signature) return;
    const next = alerts?.rules?.length
      ? new AlertManager({
          store: this.store,
          send: (alert) => this.send(alert),
          now: this.now,
          rules: alerts.rules,
          ...(alerts.silences ? { silences: alerts.silences } : {}),
          ...(alerts.intervalMs ? { intervalMs: alerts.intervalMs } : {}),
        })
      : undefined;
    this.stop(true);
    this.manager = next;
    this.signature = signature;
    next?.start();
  }

  /** Stops evaluating; with `resolveFiring`, alerts firing now are sent resolved. */
  stop(resolveFiring = false): void {
    if (!this.manager) return;
    this.manager.stop();
    if (!resolveFiring) {
      this.manager = undefined;
      return;
    }
    const last = new Map<string, Alert>();
    for (const alert of this.manager.sent()) last.set(alert.id, alert);
    for (const alert of last.values()) {
      if (alert.state !== 'firing') continue;
      this.send({
        ...alert,
        state: 'resolved',
        message: `${alert.message} (resolved: the rule was changed or removed)`,
        timestamp: this.now(),
      });
    }
    this.manager = undefined;
  }
}
