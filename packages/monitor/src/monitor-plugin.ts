import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Alert,
  type AlertSinkV1,
  ConfigError,
  definePlugin,
  type LoomPluginV1,
  type Metric,
} from '@loom/core';
import { AlertManager } from './alerts/alert-manager.js';
import type { AlertRuleConfig, SilenceConfig } from './alerts/alert-rule.js';
import {
  createLlmCollector,
  type LlmCollector,
  type LlmCollectorOptions,
} from './collectors/llm-collector.js';
import {
  createSessionCollector,
  type SessionCollectorOptions,
} from './collectors/session-collector.js';
import {
  createSystemCollector,
  type SystemCollectorOptions,
} from './collectors/system-collector.js';
import { PrometheusExporter } from './export/prometheus-exporter.js';
import { openSqlitePersistence, type SqlitePersistence } from './persistence/sqlite-persistence.js';
import { createPerformanceReport, type PerformanceReport } from './report/performance-report.js';
import { MetricStore, type MetricStoreOptions } from './store/metric-store.js';
import { VERSION } from './version.js';

/** Options of `monitorPlugin`. */
export interface MonitorPluginOptions {
  /** The metric store's limits. */
  store?: MetricStoreOptions;
  /** Built-in collectors; each on by default, `false` turns one off. */
  collectors?: {
    system?: SystemCollectorOptions | false;
    llm?: LlmCollectorOptions | false;
    session?: SessionCollectorOptions | false;
  };
  /** Alert rules, silences and evaluation interval. */
  alerts?: {
    rules?: readonly AlertRuleConfig[];
    silences?: readonly SilenceConfig[];
    intervalMs?: number;
  };
  /** Sinks registered with the kernel. */
  sinks?: readonly AlertSinkV1[];
  /** Mirror metrics into a Prometheus registry; default true. */
  prometheus?: boolean;
  /**
   * Keep the 1 min and 1 h history in a SQLite file (needs `better-sqlite3`): loaded when the
   * kernel starts, written every `flushIntervalMs` (default 60 000) and when it stops, rows past
   * the store's retention deleted.
   */
  persistence?: { sqlite: string; flushIntervalMs?: number };
}

/** The monitor plugin, with handles on what it owns. */
export interface MonitorPlugin extends LoomPluginV1 {
  /** Every metric the kernel emitted, bounded. */
  readonly store: MetricStore;
  /** Rules and silences; created in `setup` (undefined before the kernel starts). */
  readonly alerts: AlertManager | undefined;
  /** The Prometheus exporter (undefined when `prometheus: false`). */
  readonly prometheus: PrometheusExporter | undefined;
  /** The LLM collector, when enabled. */
  readonly llm: LlmCollector | undefined;
  /** A performance report for [from, to). */
  report(range: { from: number; to: number; topSessions?: number }): PerformanceReport;
  /** A `node:http` handler serving the Prometheus text exposition (mount it on `/metrics`). */
  prometheusHandler(): (request: IncomingMessage, response: ServerResponse) => void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
}

/**
 * A kernel plugin that collects system, LLM and session metrics into a bounded store, evaluates
 * alert rules and hands alerts to the kernel (which delivers them to sinks), and exports
 * Prometheus text.
 */
export function monitorPlugin(options: MonitorPluginOptions = {}): MonitorPlugin {
  let clock: () => number = Date.now;
  const store = new MetricStore({ now: () => clock(), ...options.store });
  const prometheus = options.prometheus === false ? undefined : new PrometheusExporter();
  const collectors = options.collectors ?? {};
  const llm = collectors.llm === false ? undefined : createLlmCollector(collectors.llm);
  let alerts: AlertManager | undefined;
  let removeListener: (() => void) | undefined;
  let persistence: SqlitePersistence | undefined;
  let flushTimer: ReturnType<typeof setInterval> | undefined;
  const retention = options.store?.retention;

  const plugin = definePlugin({
    name: '@loom/monitor',
    version: VERSION,
    coreVersion: '^0.1.0',
    async setup(api) {
      clock = () => api.now();
      if (options.persistence) {
        const opened = await openSqlitePersistence({
          path: options.persistence.sqlite,
          ...(retention?.['1m'] ? { minuteSlots: retention['1m'] } : {}),
          ...(retention?.['1h'] ? { hourSlots: retention['1h'] } : {}),
        });
        persistence = opened;
        opened.load(store, api.now());
        flushTimer = setInterval(() => {
          try {
            opened.flush(store, api.now());
          } catch (error) {
            api.emit('listener:error', { event: 'monitor:persistence', error });
          }
        }, options.persistence.flushIntervalMs ?? 60_000);
        flushTimer.unref();
      }
      const onMetric = (metrics: readonly Metric[]) => {
        store.recordAll(metrics);
        prometheus?.recordAll(metrics);
      };
      api.events.on('metric', onMetric);
      removeListener = () => api.events.off('metric', onMetric);
      if (collectors.system !== false)
        api.registerCollector(createSystemCollector(collectors.system));
      if (llm) api.registerCollector(llm);
      if (collectors.session !== false)
        api.registerCollector(createSessionCollector(collectors.session));
      for (const sink of options.sinks ?? []) api.registerAlertSink(sink);
      alerts = new AlertManager({
        store,
        send: (alert: Alert) => api.alert(alert),
        now: () => api.now(),
        ...options.alerts,
      });
      alerts.start();
    },
    teardown() {
      alerts?.stop();
      removeListener?.();
      removeListener = undefined;
      if (flushTimer) clearInterval(flushTimer);
      flushTimer = undefined;
      if (persistence) {
        const closing = persistence;
        persistence = undefined;
        try {
          closing.flush(store, clock());
        } finally {
          closing.close();
        }
      }
    },
  });
  const prometheusOrThrow = () => {
    if (prometheus) return prometheus;
    throw new ConfigError({
      path: 'prometheus',
      message: 'Prometheus export is off; remove `prometheus: false` to serve it.',
      source: '@loom/monitor',
    });
  };
  return Object.defineProperties(plugin, {
    store: { value: store, enumerable: true },
    prometheus: { value: prometheus, enumerable: true },
    llm: { value: llm, enumerable: true },
    alerts: { get: () => alerts, enumerable: true },
    report: {
      value: (range: { from: number; to: number; topSessions?: number }) =>
        createPerformanceReport(store, { ...range, alerts: alerts?.sent() ?? [] }),
    },
    prometheusHandler: { value: () => prometheusOrThrow().handler() },
    render: { value: () => prometheusOrThrow().render() },
  }) as MonitorPlugin;
}
