import { z } from 'zod';

// The settings a config file gives the cost plugin, as plain data; hosts check a file with them
// before anything starts (the gateway's `budgets` and `pricing` sections).

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

/** One budget (`BudgetConfig`) as written in a config file. */
export const budgetConfigSchema = z.strictObject({
  name: z.string().min(1),
  limitUsd: z.number().nonnegative(),
  scope: z
    .string()
    .regex(
      /^(global|provider|model|session|user|key|team|owner|tag:.+)$/,
      'global, provider, model, session, user, key, team, owner or tag:<key>',
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

/** Price overrides and local runtimes (`PricingOptions`), plus the budget policy. */
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
