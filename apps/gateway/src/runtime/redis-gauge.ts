import type { Metric } from '@loom/core';
import type { MonitorState } from './monitor-generation.js';
import type { RedisState } from './redis-state.js';

/** `loom.redis.connected` (`loom_redis_connected` in Prometheus): 1 while Redis answers, else 0. */
export const REDIS_CONNECTED = 'loom.redis.connected';

/**
 * Keeps a gauge of the shared Redis connection in the metric store and on `/metrics`, so an
 * alert rule or a scraper sees an outage as it happens. Returns the function that stops it.
 */
export function reportRedisState(redis: RedisState, monitor: MonitorState): () => void {
  const record = () => {
    const metric: Metric = {
      name: REDIS_CONNECTED,
      kind: 'gauge',
      value: redis.state() === 'ready' ? 1 : 0,
      unit: '{connection}',
      attributes: { 'loom.redis.policy': redis.policy },
      timestamp: Date.now(),
    };
    monitor.store.recordAll([metric]);
    monitor.prometheus.recordAll([metric]);
  };
  record();
  const unsubscribe = redis.budgetCounters.onStateChange(record);
  // A gauge with no new points would look like missing data to an absence rule.
  const timer = setInterval(record, 10_000);
  timer.unref();
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}
