import { definePlugin, type LoomPluginV1, type Metric } from '@loom/core';
import type { MetricStore, PrometheusExporter } from '@loom/monitor';

/** What outlives a reload: the metric store behind `/api/stats` and the `/metrics` registry. */
export interface MonitorState {
  store: MetricStore;
  prometheus: PrometheusExporter;
}

/**
 * The monitor's part of one kernel generation: what the config's collectors emit (by default
 * system, LLM with cost, session) goes into the shared store and registry. `@loom/monitor`'s own
 * plugin owns its store; the gateway keeps the store outside so it survives a config reload.
 */
export function monitorGeneration(state: MonitorState): LoomPluginV1 {
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
    },
    teardown() {
      removeListener?.();
      removeListener = undefined;
    },
  });
}
