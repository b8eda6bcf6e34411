import { alertRuleSchema, silenceSchema } from '@loom/monitor';
import { z } from 'zod';

// Schemas of the config keys the gateway hands to @loom/cost and @loom/monitor. They mirror those
// packages' option types so `loom check` and the JSON Schema catch mistakes before anything starts;
// the packages validate again when the plugins are built.

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** One budget: `@loom/cost`'s `BudgetConfig`. */
export const budgetConfigSchema = z.strictObject({
  name: z.string().min(1),
  limitUsd: z.number().nonnegative(),
  scope: z
    .string()
    .regex(
      /^(global|provider|model|session|user|tag:.+)$/,
      'global, provider, model, session, user or tag:<key>',
    )
    .optional(),
  match: z.string().optional(),
  window: z.enum(['total', 'hour', 'day', 'week', 'month']).optional(),
  timeZone: z
    .string()
    .refine(isTimeZone, 'an IANA time zone such as UTC or Europe/Berlin')
    .optional(),
  action: z.enum(['alert', 'block', 'downgrade']).optional(),
  thresholds: z.array(z.number().positive('fractions > 0 such as 0.8')).optional(),
});

const priceOverrideSchema = z.strictObject({
  inputPerMillionUsd: z.number().nonnegative().optional(),
  outputPerMillionUsd: z.number().nonnegative().optional(),
  cachedInputPerMillionUsd: z.number().nonnegative().optional(),
  cacheWritePerMillionUsd: z.number().nonnegative().optional(),
  reasoningPerMillionUsd: z.number().nonnegative().optional(),
  tiers: z
    .array(
      z.strictObject({
        aboveInputTokens: nonNegativeInt,
        inputPerMillionUsd: z.number().nonnegative(),
        outputPerMillionUsd: z.number().nonnegative(),
        cachedInputPerMillionUsd: z.number().nonnegative().optional(),
      }),
    )
    .optional(),
});

/** Price overrides and local runtimes: `@loom/cost`'s `PricingOptions`, plus its budget policy. */
export const pricingConfigSchema = z.strictObject({
  /** Per provider id. */
  providers: z
    .record(
      z.string(),
      z.strictObject({
        catalogProvider: z.string().min(1).optional(),
        local: z.boolean().optional(),
        costPerHourUsd: z.number().nonnegative().optional(),
        aliases: z.record(z.string(), z.string()).optional(),
        models: z.record(z.string(), priceOverrideSchema).optional(),
      }),
    )
    .optional(),
  localProviderTypes: z.array(z.string().min(1)).optional(),
  localIdleCapMs: positiveInt.optional(),
  /** Output tokens a budget reserves for a request without `max_tokens`; default 4096. */
  defaultMaxTokens: positiveInt.optional(),
  /** Unpriced models under a block / downgrade budget: `refuse` (default) or `allow`. */
  unpricedModels: z.enum(['refuse', 'allow']).optional(),
});

const sinkSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('log'), name: z.string().min(1).optional() }),
  z.strictObject({
    type: z.literal('webhook'),
    name: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }),
    format: z.enum(['json', 'slack']).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutMs: positiveInt.optional(),
  }),
  z.strictObject({
    type: z.literal('memory'),
    name: z.string().min(1).optional(),
    capacity: positiveInt.optional(),
  }),
]);

/** A time in config: epoch ms or an ISO 8601 date-time. */
const instant = z.union([
  z.number(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);

/** Alert rules (`@loom/monitor`), where alerts go, and silences. */
export const alertsConfigSchema = z.strictObject({
  rules: z.array(alertRuleSchema).optional(),
  sinks: z.array(sinkSchema).optional(),
  silences: z.array(silenceSchema.extend({ startsAt: instant, endsAt: instant })).optional(),
  /** How often rules are evaluated, ms; default 15 000. */
  intervalMs: positiveInt.optional(),
});

/** The metric pipeline. */
export const monitorConfigSchema = z.strictObject({
  /** Default true: collectors, the metric store behind `/api/stats`, alert rules, `/metrics`. */
  enabled: z.boolean().optional(),
  /** How often process and system metrics are sampled, ms; default 10 000. */
  systemIntervalMs: positiveInt.optional(),
  /** Most distinct series kept in memory; default 10 000. */
  maxSeries: positiveInt.optional(),
});

const LEDGER = /^(memory|sqlite:.+|postgres(ql)?:\/\/.+)$/;

/** Where state lives. */
export const storageConfigSchema = z.strictObject({
  /**
   * The cost ledger: `memory`, `sqlite://./loom.db` (relative to the config file's folder) or a
   * `postgres://` connection URL (`?schema=name` picks the schema; default `public`).
   */
  ledger: z.string().regex(LEDGER, 'memory, sqlite://<path> or postgres://user@host/db').optional(),
  /**
   * `redis://` or `rediss://` URL shared by several gateways: budget counters, gateway-key rate
   * limits and (unless `sharedCache: false`) the response cache live there.
   */
  redis: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'a redis:// or rediss:// URL')
    .optional(),
  /**
   * While Redis is unreachable: `closed` (default) refuses requests under `block` budgets with 503;
   * `open` admits them against this node's own counters (each node may then spend a full limit).
   */
  redisUnavailable: z.enum(['closed', 'open']).optional(),
  /** Keep the response cache (when `cache` is on) in Redis; default true with `redis`. */
  sharedCache: z.boolean().optional(),
  /**
   * `request` (default with SQLite and PostgreSQL): a request's cost rows are stored before its
   * answer completes, so a crash never loses a finished request's row (concurrent requests share
   * one write). `batched`: written off the request path, a crash loses up to a second of rows.
   */
  ledgerWrites: z.enum(['batched', 'request']).optional(),
});

/** A validated budget. */
export type BudgetConfigEntry = z.infer<typeof budgetConfigSchema>;
/** A validated `pricing` section. */
export type PricingConfig = z.infer<typeof pricingConfigSchema>;
/** A validated `alerts` section. */
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
/** A validated alert sink entry. */
export type SinkConfig = z.infer<typeof sinkSchema>;
/** A validated `monitor` section. */
export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
/** A validated `storage` section. */
export type StorageConfig = z.infer<typeof storageConfigSchema>;
