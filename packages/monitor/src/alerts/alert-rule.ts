import { ConfigError } from '@loom/core';
import { z } from 'zod';

const aggregate = z.enum(['count', 'sum', 'avg', 'min', 'max', 'rate', 'p50', 'p95', 'p99']);
const operator = z.enum(['>', '>=', '<', '<=']);
const query = z.strictObject({
  name: z.string().min(1),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const threshold = z.strictObject({
  type: z.literal('threshold'),
  query,
  windowMs: z.number().int().positive(),
  aggregate,
  operator,
  value: z.number(),
  groupBy: z.array(z.string()).optional(),
});

const rateOfChange = z.strictObject({
  type: z.literal('rate-of-change'),
  query,
  windowMs: z.number().int().positive(),
  aggregate,
  operator,
  /** Relative change of the aggregate against the previous window: 0.5 is +50 %. */
  value: z.number(),
});

const absence = z.strictObject({
  type: z.literal('absence'),
  query,
  windowMs: z.number().int().positive(),
});

/** Validates one alert rule. */
export const alertRuleSchema = z.strictObject({
  name: z.string().min(1),
  severity: z.enum(['info', 'warning', 'critical']).default('warning'),
  labels: z.record(z.string(), z.string()).default({}),
  message: z.string().optional(),
  forMs: z.number().int().nonnegative().default(0),
  repeatIntervalMs: z
    .number()
    .int()
    .positive()
    .default(4 * 3_600_000),
  condition: z.discriminatedUnion('type', [threshold, rateOfChange, absence]),
});

/** Validates a silence. */
export const silenceSchema = z.strictObject({
  id: z.string().min(1).optional(),
  matchers: z.array(
    z.strictObject({
      label: z.string().min(1),
      value: z.string(),
      regex: z.boolean().default(false),
    }),
  ),
  startsAt: z.number(),
  endsAt: z.number(),
  comment: z.string().optional(),
});

/** An alert rule as written in config. */
export type AlertRuleConfig = z.input<typeof alertRuleSchema>;
/** An alert rule with defaults filled in. */
export type AlertRule = z.output<typeof alertRuleSchema>;
/** A silence as written in config: matching alerts are not sent between `startsAt` and `endsAt`. */
export type SilenceConfig = z.input<typeof silenceSchema>;
/** A silence with defaults filled in. */
export type Silence = z.output<typeof silenceSchema> & { id: string };
/** A condition of a rule. */
export type AlertCondition = AlertRule['condition'];

/** Parses `value` with `schema`, turning the first issue into a `ConfigError` that names its path. */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  value: unknown,
  path: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = [path, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new ConfigError({ path: where, message: issue.message, source: '@loom/monitor' });
}
