import { isAbsolute, resolve } from 'node:path';
import { definePluginModule, type PluginModuleV1 } from '@loom/core';
import { z } from 'zod';
import { alertRuleSchema, silenceSchema } from './alerts/alert-rule.js';
import { createLlmCollector } from './collectors/llm-collector.js';
import { createSessionCollector } from './collectors/session-collector.js';
import { createSystemCollector } from './collectors/system-collector.js';
import { monitorPlugin } from './monitor-plugin.js';
import { createLogSink } from './sinks/log-sink.js';
import { createMemorySink } from './sinks/memory-sink.js';
import { createWebhookSink } from './sinks/webhook-sink.js';

const positiveInt = z.number().int().positive();
const name = z.string().min(1).optional();

const logSink = definePluginModule({
  kind: 'alert-sink',
  type: 'log',
  description: 'Writes alerts as JSON log lines (pino) to stdout',
  settings: z.strictObject({ name }),
  create: (settings) => createLogSink(settings),
});

const webhookSink = definePluginModule({
  kind: 'alert-sink',
  type: 'webhook',
  description: 'POSTs alerts as JSON or as a Slack message',
  // A Slack or Teams webhook URL is itself the credential.
  secrets: ['url'],
  settings: z.strictObject({
    name,
    url: z.url({ protocol: /^https?$/ }),
    format: z.enum(['json', 'slack']).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutMs: positiveInt.optional(),
  }),
  create: (settings) => createWebhookSink(settings),
});

const memorySink = definePluginModule({
  kind: 'alert-sink',
  type: 'memory',
  description: 'Keeps the last alerts in memory (tests, dashboards)',
  settings: z.strictObject({ name, capacity: positiveInt.optional() }),
  create: (settings) => createMemorySink(settings),
});

const systemCollector = definePluginModule({
  kind: 'metric-collector',
  type: 'system',
  description: 'Process and machine metrics: CPU, memory, event-loop delay',
  settings: z.strictObject({ name, intervalMs: positiveInt.optional() }),
  create: (settings) => createSystemCollector(settings),
});

const llmCollector = definePluginModule({
  kind: 'metric-collector',
  type: 'llm',
  description: 'Requests, latency, time to first token, tokens, errors and cost per deployment',
  settings: z.strictObject({ name }),
  create: (settings) => createLlmCollector(settings),
});

const sessionCollector = definePluginModule({
  kind: 'metric-collector',
  type: 'session',
  description: 'Requests, tokens and cost per session and user',
  settings: z.strictObject({ name, maxTrackedRequests: positiveInt.optional() }),
  create: (settings) => createSessionCollector(settings),
});

const collectorSwitch = <T extends z.ZodType>(options: T) => z.union([z.literal(false), options]);

const monitor = definePluginModule({
  kind: 'kernel-plugin',
  type: 'monitor',
  description: 'The metric store, built-in collectors, alert rules and Prometheus export',
  settings: z.strictObject({
    maxSeries: positiveInt.optional(),
    collectors: z
      .strictObject({
        system: collectorSwitch(z.strictObject({ intervalMs: positiveInt.optional() })).optional(),
        llm: collectorSwitch(z.strictObject({})).optional(),
        session: collectorSwitch(
          z.strictObject({ maxTrackedRequests: positiveInt.optional() }),
        ).optional(),
      })
      .optional(),
    alerts: z
      .strictObject({
        rules: z.array(alertRuleSchema).optional(),
        silences: z.array(silenceSchema).optional(),
        intervalMs: positiveInt.optional(),
      })
      .optional(),
    prometheus: z.boolean().optional(),
    /** A SQLite file, relative to the config file's folder. */
    persistence: z
      .strictObject({ sqlite: z.string().min(1), flushIntervalMs: positiveInt.optional() })
      .optional(),
  }),
  create: ({ maxSeries, persistence, ...settings }, host) =>
    monitorPlugin({
      ...settings,
      ...(maxSeries ? { store: { maxSeries } } : {}),
      ...(persistence
        ? {
            persistence: {
              ...persistence,
              sqlite: isAbsolute(persistence.sqlite)
                ? persistence.sqlite
                : resolve(host.configDir, persistence.sqlite),
            },
          }
        : {}),
    }),
});

/**
 * The monitor's plugin modules: alert sinks `log`, `webhook`, `memory`; collectors `system`,
 * `llm`, `session`; and the `monitor` kernel plugin, for hosts without a monitor of their own.
 */
export const loomPlugins: readonly PluginModuleV1[] = [
  logSink,
  webhookSink,
  memorySink,
  systemCollector,
  llmCollector,
  sessionCollector,
  monitor,
] as readonly PluginModuleV1[];
