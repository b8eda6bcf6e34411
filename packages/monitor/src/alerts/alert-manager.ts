import { type Alert, ConfigError } from '@loom/core';
import type { MetricStore } from '../store/metric-store.js';
import {
  type AlertRule,
  type AlertRuleConfig,
  alertRuleSchema,
  parseConfig,
  type Silence,
  type SilenceConfig,
  silenceSchema,
} from './alert-rule.js';
import { type ConditionReading, evaluateCondition } from './evaluate-condition.js';
import { silences } from './silences.js';

/** Options of `createAlertManager`. */
export interface AlertManagerOptions {
  /** Where readings come from. */
  store: MetricStore;
  /** Delivers an alert (the monitor plugin passes `api.alert`). */
  send: (alert: Alert) => void;
  /** Rules from config; validated here. */
  rules?: readonly AlertRuleConfig[];
  /** Silences from config. */
  silences?: readonly SilenceConfig[];
  /** How often `start` evaluates; default 15 000 ms. */
  intervalMs?: number;
  /** Clock, epoch ms; default `Date.now`. */
  now?: () => number;
  /** Alerts remembered for reports; default 1 000. */
  historySize?: number;
}

interface Instance {
  state: 'pending' | 'firing';
  since: number;
  id?: string;
  lastSentAt?: number;
  notified: boolean;
  labels: Record<string, string>;
  value: number;
}

/**
 * Evaluates rules on an interval: a condition must hold for `forMs` before the alert fires, a
 * firing alert is sent once (dedup) and again every `repeatIntervalMs`, a resolved notification
 * follows when the condition clears, and silenced alerts are not sent.
 */
export class AlertManager {
  private readonly rules: AlertRule[];
  private readonly silenceList: Silence[] = [];
  private readonly instances = new Map<string, Instance>();
  private readonly history: Alert[] = [];
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private silenceIds = 0;

  constructor(private readonly options: AlertManagerOptions) {
    this.rules = (options.rules ?? []).map((rule, index) =>
      parseConfig(alertRuleSchema, rule, `alerts.rules.${index}`),
    );
    const names = new Set<string>();
    for (const rule of this.rules) {
      if (names.has(rule.name)) {
        throw new ConfigError({
          path: 'alerts.rules',
          message: `two rules are named '${rule.name}'; rule names must be unique.`,
          source: '@loom/monitor',
        });
      }
      names.add(rule.name);
    }
    for (const silence of options.silences ?? []) this.silence(silence);
    this.now = options.now ?? Date.now;
  }

  /** Evaluates on `intervalMs` until `stop`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.evaluate(), this.options.intervalMs ?? 15_000);
    this.timer.unref();
  }

  /** Stops evaluating. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Adds a silence; returns its id. */
  silence(config: SilenceConfig): string {
    const parsed = parseConfig(silenceSchema, config, 'alerts.silences');
    const silence: Silence = { ...parsed, id: parsed.id ?? `silence-${++this.silenceIds}` };
    this.silenceList.push(silence);
    return silence.id;
  }

  /** Removes a silence by id. */
  unsilence(id: string): boolean {
    const index = this.silenceList.findIndex((silence) => silence.id === id);
    if (index >= 0) this.silenceList.splice(index, 1);
    return index >= 0;
  }

  /** Alerts sent, oldest first (bounded). */
  sent(from = 0, to = Number.POSITIVE_INFINITY): Alert[] {
    return this.history.filter((alert) => alert.timestamp >= from && alert.timestamp < to);
  }

  /** Alerts currently firing. */
  firing(): Array<{ rule: string; labels: Record<string, string>; since: number; value: number }> {
    return [...this.instances.entries()]
      .filter(([, instance]) => instance.state === 'firing')
      .map(([key, instance]) => ({
        rule: key.split('\u0000')[0]!,
        labels: instance.labels,
        since: instance.since,
        value: instance.value,
      }));
  }

  /** Evaluates every rule once now. */
  evaluate(): void {
    const now = this.now();
    for (const rule of this.rules) {
      const readings = evaluateCondition(this.options.store, rule.condition, now);
      const seen = new Set<string>();
      for (const reading of readings) {
        const key = `${rule.name}\u0000${reading.key}`;
        seen.add(key);
        if (reading.holds) this.hold(rule, key, reading, now);
        else this.clear(rule, key, now);
      }
      for (const key of this.instances.keys()) {
        if (key.startsWith(`${rule.name}\u0000`) && !seen.has(key)) this.clear(rule, key, now);
      }
    }
  }

  private hold(rule: AlertRule, key: string, reading: ConditionReading, now: number): void {
    const labels = { ...rule.labels, ...reading.labels };
    let instance = this.instances.get(key);
    if (!instance) {
      instance = { state: 'pending', since: now, notified: false, labels, value: reading.value };
      this.instances.set(key, instance);
    }
    instance.value = reading.value;
    instance.labels = labels;
    if (instance.state === 'pending' && now - instance.since >= rule.forMs) {
      instance.state = 'firing';
      instance.since = now;
      instance.id = `${rule.name}:${reading.key}:${now}`;
    }
    if (instance.state !== 'firing') return;
    const due =
      instance.lastSentAt === undefined || now - instance.lastSentAt >= rule.repeatIntervalMs;
    if (!due || this.isSilenced(rule, labels, now)) return;
    instance.lastSentAt = now;
    instance.notified = true;
    this.deliver(rule, instance, 'firing', now);
  }

  private clear(rule: AlertRule, key: string, now: number): void {
    const instance = this.instances.get(key);
    if (!instance) return;
    this.instances.delete(key);
    if (instance.state === 'firing' && instance.notified)
      this.deliver(rule, instance, 'resolved', now);
  }

  private isSilenced(rule: AlertRule, labels: Record<string, string>, now: number): boolean {
    const all = { alertname: rule.name, severity: rule.severity, ...labels };
    return this.silenceList.some((silence) => silences(silence, all, now));
  }

  private deliver(rule: AlertRule, instance: Instance, state: Alert['state'], now: number): void {
    const alert: Alert = {
      id: instance.id!,
      rule: rule.name,
      severity: rule.severity,
      state,
      message: this.message(rule, instance, state),
      labels: instance.labels,
      timestamp: now,
    };
    if (Number.isFinite(instance.value)) alert.value = instance.value;
    this.history.push(alert);
    if (this.history.length > (this.options.historySize ?? 1_000)) this.history.shift();
    this.options.send(alert);
  }

  private message(rule: AlertRule, instance: Instance, state: Alert['state']): string {
    if (rule.message) return state === 'firing' ? rule.message : `Resolved: ${rule.message}`;
    const condition = rule.condition;
    const subject =
      condition.type === 'absence'
        ? `no ${condition.query.name} data`
        : `${condition.aggregate} of ${condition.query.name} ${condition.type === 'rate-of-change' ? 'changed by' : 'is'} ${instance.value} (${condition.operator} ${condition.value})`;
    return `${state === 'firing' ? 'Firing' : 'Resolved'}: ${rule.name}: ${subject} over ${condition.windowMs} ms.`;
  }
}

/** Creates an alert manager. */
export function createAlertManager(options: AlertManagerOptions): AlertManager {
  return new AlertManager(options);
}
