import { modelCapabilitiesSchema } from '@loom/core';
import { z } from 'zod';
import { isLinkLocalURL } from './link-local.js';
import { pluginEntrySchema, pluginType } from './plugin-entry-schema.js';
import {
  alertsConfigSchema,
  budgetConfigSchema,
  monitorConfigSchema,
  pricingConfigSchema,
  storageConfigSchema,
} from './plugins-schema.js';
import { loggingConfigSchema, serverConfigSchema } from './server-schema.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const capabilities = modelCapabilitiesSchema;

/**
 * One upstream. `type` names a built-in provider (`openai`, `ollama`, `vllm`) or an installed
 * package; every other key but the gateway's own (`costPerHourUsd`, `allowLinkLocal`) is that
 * plugin's settings, checked by its schema when the plugins are resolved.
 */
export const providerConfigSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, `_`, `.` or `-` (no `/`)'),
  type: pluginType,
  /** Read by the cost plugin: what the machine behind this provider costs per hour. */
  costPerHourUsd: z.number().nonnegative().optional(),
  /** Allow a link-local `baseURL` (169.254.x.x, fe80::); refused otherwise. */
  allowLinkLocal: z.boolean().optional(),
});

const targetSchema = z.union([
  z.string().regex(/^[^/]+\/.+$/, 'a `provider/model` string'),
  z.strictObject({
    provider: z.string().min(1),
    model: z.string().min(1),
    weight: z.number().positive().optional(),
    priority: z.number().int().optional(),
    tags: z.array(z.string()).optional(),
    contextWindow: positiveInt.optional(),
    capabilities: capabilities.optional(),
    costPerMillionTokens: z
      .strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() })
      .optional(),
  }),
]);

const routingSchema = z.strictObject({
  strategy: z
    .enum(['balanced', 'latency', 'cost', 'least-busy', 'weighted', 'round-robin', 'priority'])
    .optional(),
  retries: nonNegativeInt.optional(),
  initialBackoffMs: nonNegativeInt.optional(),
  maxBackoffMs: nonNegativeInt.optional(),
  retryAfterCapMs: nonNegativeInt.optional(),
  authCooldownMs: nonNegativeInt.optional(),
  quotaCooldownMs: nonNegativeInt.optional(),
  panicMode: z.boolean().optional(),
  loadIntervalMs: nonNegativeInt.optional(),
  timeoutMs: positiveInt.optional(),
  attemptTimeoutMs: positiveInt.optional(),
  firstTokenTimeoutMs: positiveInt.optional(),
  idleTimeoutMs: positiveInt.optional(),
  streamContinuation: z.boolean().optional(),
  circuitBreaker: z
    .strictObject({
      consecutiveFailures: positiveInt.optional(),
      failureRatio: z.number().min(0).max(1).optional(),
      minimumRequests: positiveInt.optional(),
      windowMs: positiveInt.optional(),
      openMs: positiveInt.optional(),
      maxOpenMs: positiveInt.optional(),
      halfOpenProbes: positiveInt.optional(),
    })
    .optional(),
  retryBudget: z
    .strictObject({
      ratio: z.number().min(0).optional(),
      minRetries: nonNegativeInt.optional(),
      windowMs: positiveInt.optional(),
    })
    .optional(),
  maxTrackedDeployments: positiveInt.optional(),
  /** Assumed latency per deployment id until real samples arrive. */
  latencyPriors: z
    .record(
      z.string(),
      z.strictObject({
        latencyMs: z.number().nonnegative(),
        timeToFirstChunkMs: z.number().nonnegative().optional(),
      }),
    )
    .optional(),
  /**
   * `loom bench --json` results (one file or several, relative to the config file) to seed
   * `latencyPriors` from; entries in `latencyPriors` win.
   */
  latencyPriorsFrom: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});

/** The gateway configuration file (`loom.yaml` / `loom.json`). */
export const loomConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    server: serverConfigSchema.optional(),
    logging: loggingConfigSchema.optional(),
    providers: z.array(providerConfigSchema).min(1),
    models: z
      .array(z.strictObject({ name: z.string().min(1), targets: z.array(targetSchema).min(1) }))
      .optional(),
    defaultProvider: z.string().optional(),
    routing: routingSchema.optional(),
    cache: z
      .union([
        z.literal(false),
        z.strictObject({ ttlMs: positiveInt.optional(), maxEntries: positiveInt.optional() }),
      ])
      .optional(),
    singleFlight: z.boolean().optional(),
    health: z
      .strictObject({ intervalMs: nonNegativeInt.optional(), timeoutMs: positiveInt.optional() })
      .optional(),
    budgets: z.array(budgetConfigSchema).optional(),
    pricing: pricingConfigSchema.optional(),
    alerts: alertsConfigSchema.optional(),
    monitor: monitorConfigSchema.optional(),
    storage: storageConfigSchema.optional(),
    /** Kernel plugins (request hooks, listeners), each `{ type: <package>, ...settings }`. */
    plugins: z.array(pluginEntrySchema).optional(),
    /** What to answer when every deployment failed: an error (default) or a fixed message. */
    degraded: z
      .strictObject({
        mode: z.enum(['throw', 'message', 'cached']),
        message: z.string().min(1).optional(),
      })
      .optional(),
    /** `false` records no OpenTelemetry spans or metrics; default: the global providers. */
    telemetry: z.boolean().optional(),
    /** Coalesce concurrent embedding calls to one deployment; off by default. */
    embeddingBatching: z
      .union([
        z.literal(false),
        z.strictObject({ windowMs: positiveInt.optional(), maxInputs: positiveInt.optional() }),
      ])
      .optional(),
  })
  .superRefine((config, context) => {
    const ids = new Set<string>();
    config.providers.forEach((provider, index) => {
      if (ids.has(provider.id)) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'id'],
          message: `duplicate provider id "${provider.id}"`,
        });
      }
      ids.add(provider.id);
      // Any URL the plugin is given (`baseURL`, a third party's `endpoint`) is checked.
      for (const [key, value] of Object.entries(provider)) {
        if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) continue;
        if (!isLinkLocalURL(value) || provider.allowLinkLocal) continue;
        context.addIssue({
          code: 'custom',
          path: ['providers', index, key],
          message:
            'points at a link-local address (cloud metadata lives there); set allowLinkLocal: true on this provider if that is really meant',
        });
      }
    });
    config.models?.forEach((model, index) => {
      model.targets.forEach((target, position) => {
        const provider = typeof target === 'string' ? target.split('/', 1)[0] : target.provider;
        if (provider !== undefined && !ids.has(provider)) {
          const known = [...ids].join('|');
          context.addIssue({
            code: 'custom',
            path: ['models', index, 'targets', position],
            message: `unknown provider "${provider}"; expected one of ${known}`,
          });
        }
      });
    });
  });

/** A validated configuration. */
export type LoomConfig = z.infer<typeof loomConfigSchema>;
/** One validated provider entry. */
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
