const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration (`5m`, `1h30m`, `300ms`, `-1s`) or a bare number of seconds, as text. */
export const KEEP_ALIVE_PATTERN =
  /^-?(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$|^-?\d+(?:\.\d+)?$/;

/**
 * How long Ollama keeps a model loaded for a `keep_alive` value, in milliseconds: seconds when a
 * number, a Go duration when text; any negative value means forever. Undefined when unreadable.
 */
export function keepAliveToMs(value: string | number): number | undefined {
  if (typeof value === 'number') return value < 0 ? Number.POSITIVE_INFINITY : value * 1_000;
  const text = value.trim();
  if (!KEEP_ALIVE_PATTERN.test(text)) return undefined;
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return keepAliveToMs(Number(text));
  if (text.startsWith('-')) return Number.POSITIVE_INFINITY;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 0);
  }
  return total;
}
