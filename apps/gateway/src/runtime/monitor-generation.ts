import { type AlertSinkV1, definePlugin, type LoomPluginV1, type Metric } from '@loom/core';
import {
  createLlmCollector,
  createLogSink,
  createMemorySink,
  createSessionCollector,
  createSystemCollector,
  createWebhookSink,
  type MetricStore,
  type PrometheusExporter,
} from '@loom/monitor';
import type { MonitorConfig, SinkConfig } from '../config/plugins-schema.js';

/** What outlives a reload: the metric store behind `/api/stats` and the `/metrics` registry. */
export interface MonitorState {
  store: MetricStore;
  prometheus: PrometheusExporter;
}

/** An alert sink for a config entry. */
export function createSink(config: SinkConfig): AlertSinkV1 {
  switch (config.type) {
    case 'log':
      return createLogSink(config.name ? { name: config.name } : {});
    case 'memory':
      return createMemorySink({
        ...(config.name ? { name: config.name } : {}),
        ...(config.capacity ? { capacity: config.capacity } : {}),
      });
    case 'webhook': {
      const { type: _type, ...options } = config;
      return createWebhookSink(options);
    }
  }
}

/**
 * The monitor's part of one kernel generation: collectors (system, LLM with cost, session) on this
 * kernel, writing into the shared store and registry. `@loom/monitor`'s own plugin owns
 * its store; the gateway assembles the same parts so the store survives a config reload.
 */
export function monitorGeneration(
  state: MonitorState,
  config: MonitorConfig | undefined,
): LoomPluginV1 {
  let removeListener: (() => void) | undefined;
  return definePlugin({
    name: '@loom/gateway-monitor',
    version: '0.1.0',
    coreVersion: '^0.1.0',
    setup(api) {
      const onMetric = (metrics: readonly Metric[]) => {
        state.store.recordAll(metrics);
        state.prometheus.recordAll(metrics);
      };
      api.events.on('metric', onMetric);
      removeListener = () => api.events.off('metric', onMetric);
      api.registerCollector(
        createSystemCollector(
          config?.systemIntervalMs ? { intervalMs: config.systemIntervalMs } : {},
        ),
      );
      api.registerCollector(createLlmCollector());
      // The LLM collector also turns `cost:recorded` into `loom.cost` (the cost chart).
      api.registerCollector(createSessionCollector());
    },
    teardown() {
      removeListener?.();
      removeListener = undefined;
    },
  });
}
