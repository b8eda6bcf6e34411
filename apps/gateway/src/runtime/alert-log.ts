import type { Alert, Kernel } from '@loom/core';

/**
 * Alerts seen on the kernels' events (rules from the monitor, thresholds from the cost plugin):
 * the ones firing now and the most recent notifications. Outlives reloads; bounded.
 */
export class AlertLog {
  private readonly firingById = new Map<string, Alert>();
  private readonly recentAlerts: Alert[] = [];

  constructor(private readonly capacity = 500) {}

  /** Records an alert notification. */
  record(alert: Alert): void {
    if (alert.state === 'firing') this.firingById.set(alert.id, alert);
    else this.firingById.delete(alert.id);
    this.recentAlerts.push(alert);
    if (this.recentAlerts.length > this.capacity) this.recentAlerts.shift();
  }

  /** Listens to a kernel's alert events; returns the function that stops listening. */
  watch(kernel: Kernel): () => void {
    const onAlert = (alert: Alert) => this.record(alert);
    kernel.events.on('alert:firing', onAlert);
    kernel.events.on('alert:resolved', onAlert);
    return () => {
      kernel.events.off('alert:firing', onAlert);
      kernel.events.off('alert:resolved', onAlert);
    };
  }

  /** Alerts firing now, newest first. */
  firing(): Alert[] {
    return [...this.firingById.values()].sort((a, b) => b.timestamp - a.timestamp);
  }

  /** The last `limit` notifications, newest first. */
  recent(limit = 50): Alert[] {
    return this.recentAlerts.slice(-limit).reverse();
  }
}
