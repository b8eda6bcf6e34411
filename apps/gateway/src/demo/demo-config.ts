import { join } from 'node:path';
import type { LoomConfig } from '../config/config-schema.js';
import { validateConfig } from '../config/load-config.js';
import type { SimulatedWorld } from './simulated-world.js';

/** What the demo's config depends on. */
export interface DemoConfigOptions {
  world: SimulatedWorld;
  /** Folder of the SQLite ledger. */
  dataDir: string;
  /** How often alert rules are checked and the window they look at, ms. */
  alertIntervalMs: number;
  alertWindowMs: number;
  /** Gateway API keys; default none (any key, or none, is accepted). */
  apiKeys?: string[];
}

/** The alias the traffic generator and the dashboard's routing panel use. */
export const DEMO_MODEL = 'chat';
/** A second alias that never leaves the machine's own hardware. */
export const DEMO_LOCAL_MODEL = 'chat-private';
/** Name of the alert rule that fires while an upstream fails. */
export const DEMO_ALERT_RULE = 'upstream-errors';

/**
 * The gateway config the demo runs: three providers in front of the simulated upstreams, a
 * weighted `chat` alias (most traffic to the hosted model, so its outage forces failovers), a
 * budget whose first threshold is crossed within a minute, an alert on upstream errors, and the
 * cost ledger in SQLite. Validated like any config file.
 */
export function demoConfig(options: DemoConfigOptions): LoomConfig {
  const { world } = options;
  const raw = {
    ...(options.apiKeys ? { server: { apiKeys: options.apiKeys } } : {}),
    providers: [
      { id: 'openai', type: 'openai', baseURL: world.openai.baseURL, apiKey: 'sk-demo-simulated' },
      { id: 'gpu', type: 'vllm', baseURL: world.gpu.baseURL, costPerHourUsd: 2.5 },
      { id: 'local', type: 'ollama', baseURL: world.local.baseURL },
    ],
    models: [
      {
        name: DEMO_MODEL,
        targets: [
          { provider: 'openai', model: 'gpt-4o-mini', weight: 6 },
          { provider: 'gpu', model: 'meta-llama/Llama-3.1-8B-Instruct', weight: 3 },
          { provider: 'local', model: 'llama3.2', weight: 1 },
        ],
      },
      {
        name: DEMO_LOCAL_MODEL,
        targets: ['local/llama3.2', 'gpu/meta-llama/Llama-3.1-8B-Instruct'],
      },
    ],
    routing: {
      strategy: 'weighted',
      retries: 2,
      timeoutMs: 30_000,
      firstTokenTimeoutMs: 10_000,
      // Trip fast and probe soon, so one short outage shows open, half-open and closed.
      circuitBreaker: { consecutiveFailures: 3, openMs: 4_000, maxOpenMs: 8_000 },
    },
    health: { intervalMs: 5_000 },
    pricing: {
      // Spread the GPU's hourly price over at most 10 s of idle time per request, so a budget
      // reservation for it stays small.
      localIdleCapMs: 10_000,
      defaultMaxTokens: 512,
    },
    budgets: [
      {
        name: 'demo-daily',
        limitUsd: 0.5,
        window: 'day',
        timeZone: 'UTC',
        thresholds: [0.05, 0.25, 0.5, 0.8, 1],
        action: 'downgrade',
      },
      { name: 'per-user', scope: 'user', limitUsd: 0.25, window: 'day', action: 'alert' },
    ],
    alerts: {
      intervalMs: options.alertIntervalMs,
      sinks: [{ type: 'memory' }],
      rules: [
        {
          name: DEMO_ALERT_RULE,
          severity: 'critical',
          message: 'An upstream is failing requests; traffic is failing over to the others.',
          condition: {
            type: 'threshold',
            query: { name: 'loom.errors' },
            windowMs: options.alertWindowMs,
            aggregate: 'sum',
            operator: '>=',
            value: 2,
            groupBy: ['gen_ai.provider.name'],
          },
        },
      ],
    },
    monitor: { systemIntervalMs: 5_000 },
    // One JSON line per request; kept out of the terminal, where the narration goes.
    logging: { destination: join(options.dataDir, 'access.log') },
    storage: { ledger: `sqlite://${join(options.dataDir, 'loom-demo.db')}` },
  };
  return validateConfig(raw, 'demo');
}
