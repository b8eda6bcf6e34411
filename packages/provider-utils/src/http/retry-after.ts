/** Response headers as undici reports them: lower-case names, repeated ones as arrays. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** The first value of a header, trimmed; undefined when absent or empty. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value : undefined;
}

// A plain decimal number: "2", "1.5", "0". Rejects "", "1e3", "-1", "2s" and dates.
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * How long the upstream asks callers to wait, in milliseconds, or undefined when it does not say.
 * `retry-after-ms` (milliseconds, OpenAI's own header) wins over `Retry-After`, which holds
 * seconds or an HTTP date (RFC 9110); a date in the past gives 0, never a negative wait.
 */
export function parseRetryAfter(headers: ResponseHeaders, now = Date.now()): number | undefined {
  const milliseconds = headerValue(headers, 'retry-after-ms');
  if (milliseconds !== undefined && DECIMAL.test(milliseconds)) {
    return Math.round(Number(milliseconds));
  }
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter === undefined) return undefined;
  if (DECIMAL.test(retryAfter)) return Math.round(Number(retryAfter) * 1_000);
  // An HTTP date names its weekday and month; Date.parse alone would take "-1" as a year.
  if (!/[a-z]{3}/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
