import type { CostPlugin } from '@loom/cost';
import type { AlertLog } from '../runtime/alert-log.js';
import type { MonitorState } from '../runtime/monitor-generation.js';

/**
 * What the JSON API reads besides the kernel (which comes from the gateway, so a reload is
 * seen at once). Getters, because the cost plugin changes with each config generation.
 */
export interface ApiSources {
  /** The current generation's cost plugin. */
  cost(): CostPlugin | undefined;
  /** The shared metric store and Prometheus registry; absent when the monitor is off. */
  monitor: MonitorState | undefined;
  /** Alerts firing and recent, from every generation. */
  alerts: AlertLog;
  /** Provider id to type (`openai`, `ollama`, `vllm`) from the current config. */
  providerTypes(): Record<string, string>;
  /** Clock, epoch ms. */
  now(): number;
}
