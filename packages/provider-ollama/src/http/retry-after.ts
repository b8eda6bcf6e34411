/** Headers as undici returns them. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long the upstream asks us to wait, in milliseconds: `retry-after-ms` wins over
 * `retry-after` (seconds, or an HTTP date turned into milliseconds from `now`, never negative).
 */
export function parseRetryAfter(headers: ResponseHeaders, now = Date.now()): number | undefined {
  const milliseconds = header(headers, 'retry-after-ms')?.trim();
  if (milliseconds) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1_000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
