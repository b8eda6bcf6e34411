import type { CollectorContext, KernelEvents, MetricCollectorV1 } from '@loom/core';
import { metricNames } from '@loom/monitor';

/** Name of the spend counter: USD, per provider and model (`loom_cost_usd_total` in Prometheus). */
export const COST_METRIC = 'loom.cost';

/**
 * Turns the cost plugin's `cost:recorded` events into a `loom.cost` counter, so spend over time
 * sits in the metric store next to latency (the dashboard's cost chart) and reaches Prometheus.
 */
export function createCostCollector(): MetricCollectorV1 {
  let stop: (() => void) | undefined;
  return {
    specificationVersion: 'v1',
    name: 'gateway-cost',
    start(context: CollectorContext) {
      const onCost = (event: KernelEvents['cost:recorded']) => {
        if (event.unpriced) return;
        context.emit({
          name: COST_METRIC,
          kind: 'counter',
          value: event.costMicros / 1e6,
          unit: 'USD',
          attributes: {
            [metricNames.ATTR.operation]: event.operation === 'embed' ? 'embeddings' : 'chat',
            [metricNames.ATTR.provider]: event.deployment.providerId,
            [metricNames.ATTR.requestModel]: event.deployment.model,
          },
          timestamp: event.timestamp,
        });
      };
      context.events.on('cost:recorded', onCost);
      stop = () => context.events.off('cost:recorded', onCost);
    },
    stop() {
      stop?.();
      stop = undefined;
    },
  };
}
