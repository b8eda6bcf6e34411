import { budgetConfigSchema, pricingConfigSchema } from '@loom/cost';
import { alertRuleSchema, silenceSchema } from '@loom/monitor';
import { z } from 'zod';
import { pluginEntrySchema } from './plugin-entry-schema.js';
import { retentionConfigSchema } from './retention-schema.js';

// Schemas of the config sections the gateway hands to @loom/cost and @loom/monitor; budgets and
// pricing are @loom/cost's own schemas, so `loom check` and the JSON Schema catch mistakes before
// anything starts.

const positiveInt = z.number().int().positive();

/** A time in config: epoch ms or an ISO 8601 date-time. */
const instant = z.union([
  z.number(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);

/** Alert rules (`@loom/monitor`), where alerts go, and silences. */
export const alertsConfigSchema = z.strictObject({
  rules: z.array(alertRuleSchema).optional(),
  /** Where alerts go: `{ type: log | webhook | memory | <package>, ...settings }`. */
  sinks: z.array(pluginEntrySchema).optional(),
  silences: z.array(silenceSchema.extend({ startsAt: instant, endsAt: instant })).optional(),
  /** How often rules are evaluated, ms; default 15 000. */
  intervalMs: positiveInt.optional(),
});

/** The metric pipeline. */
export const monitorConfigSchema = z.strictObject({
  /** Default true: collectors, the metric store behind `/api/stats`, alert rules, `/metrics`. */
  enabled: z.boolean().optional(),
  /**
   * Metric collectors, `{ type: system | llm | session | <package>, ...settings }`. The three
   * built-in ones run unless `monitor.enabled` is false; an entry of their type configures them.
   */
  collectors: z.array(pluginEntrySchema).optional(),
  /** How often process and system metrics are sampled, ms; default 10 000. */
  systemIntervalMs: positiveInt.optional(),
  /**
   * A SQLite file (relative to the config file) keeping the 1 min and 1 h metric history across
   * restarts, for `loom report` and the dashboard; default beside a SQLite ledger
   * (`loom.db` -> `loom-metrics.db`), `false` for none.
   */
  persistence: z.union([z.literal(false), z.string().min(1)]).optional(),
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
  /**
   * How long the ledger keeps raw rows and hourly rollups, in days: default `rawDays: 90`,
   * `rollupDays: 730`; `0` keeps forever. Applied at start and hourly, off the request path.
   */
  retention: retentionConfigSchema.optional(),
  /** The folder plugins keep files in, relative to the config file; default `.loom` beside it. */
  dataDir: z.string().min(1).optional(),
});

/** A validated `alerts` section. */
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
/** A validated `monitor` section. */
export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
/** A validated `storage` section. */
export type StorageConfig = z.infer<typeof storageConfigSchema>;

export { budgetConfigSchema, pricingConfigSchema };
