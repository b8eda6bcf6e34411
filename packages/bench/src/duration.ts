// Loom's one grammar of durations, for `loom bench`, the gateway's CLI and its HTTP API. This
// module imports nothing, so the gateway reads it as `@loom/bench/duration` without loading the
// benchmark runner.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)?$/;

/** The longest wait a Node timer keeps (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Options of `parseDuration`. */
export interface ParseDurationOptions {
  /**
   * How a number without a unit reads: `'seconds'` (the default, command-line flags, as wrk,
   * autocannon and k6 read it) or `'refused'` (HTTP query parameters).
   */
  bareNumber?: 'seconds' | 'refused';
}

/**
 * The milliseconds of a duration: a number (decimals allowed) and a unit `ms`, `s`, `m`, `h` or
 * `d`, as in `1500ms`, `1.5s`, `2m`, `1h`. A bare number is seconds unless `bareNumber` is
 * `'refused'`. `undefined` for anything else, zero included.
 */
export function parseDuration(
  text: string,
  options: ParseDurationOptions = {},
): number | undefined {
  const match = DURATION.exec(text.trim());
  const unit = match?.[2] ?? (options.bareNumber === 'refused' ? undefined : 's');
  if (!match || unit === undefined) return undefined;
  const ms = Number(match[1]) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * The milliseconds of the command-line flag `--<flag> <text>`, read by `parseDuration` (a bare
 * number is seconds). Throws an `Error` whose message names the flag and shows the accepted forms,
 * also for a duration longer than a timer can wait (`MAX_TIMER_MS`).
 */
export function parseDurationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new Error(
      `--${flag}: expected a duration such as 30s, 1500ms or 2m (a bare number is seconds), got "${text}"`,
    );
  }
  if (ms > MAX_TIMER_MS) throw new Error(`--${flag}: at most 24d, got "${text}"`);
  return ms;
}
