import { z } from 'zod';

/** Raw rows are kept this many days by default; reports past it read hourly rollups. */
export const DEFAULT_RAW_DAYS = 90;
/** Rollups are kept this many days by default (two years of reports by hour). */
export const DEFAULT_ROLLUP_DAYS = 730;

const days = z.number().int().min(0, 'a whole number of days, 0 to keep forever');

/**
 * `storage.retention`: how long the cost ledger keeps raw rows and hourly rollups, in days;
 * `0` keeps them forever. Rollups must outlive raw rows: reports over old whole hours read them.
 */
export const retentionConfigSchema = z
  .strictObject({
    /** Raw rows (one per attempt); default 90 days. */
    rawDays: days.optional(),
    /** Hourly rollups; default 730 days, and never fewer than `rawDays`. */
    rollupDays: days.optional(),
  })
  .superRefine((retention, context) => {
    const { rawDays, rollupDays } = retention;
    if (rawDays === undefined || rollupDays === undefined || rollupDays === 0) return;
    if (rawDays === 0 || rollupDays < rawDays)
      context.addIssue({
        code: 'custom',
        path: ['rollupDays'],
        message: `must be 0 (forever) or at least rawDays (${rawDays === 0 ? 'forever' : rawDays}): reports over old hours read rollups`,
      });
  });

/** A validated `storage.retention`. */
export type RetentionConfig = z.infer<typeof retentionConfigSchema>;

/** Days kept, defaults applied; 0 is forever. */
export interface Retention {
  rawDays: number;
  rollupDays: number;
}

/** Applies the defaults; an absent `rollupDays` is never shorter than `rawDays`. */
export function retentionOf(config: RetentionConfig | undefined): Retention {
  const rawDays = config?.rawDays ?? DEFAULT_RAW_DAYS;
  const rollupDays =
    config?.rollupDays ?? (rawDays === 0 ? 0 : Math.max(rawDays, DEFAULT_ROLLUP_DAYS));
  return { rawDays, rollupDays };
}
