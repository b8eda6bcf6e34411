import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line in memory, for asserting on log output. */
export function captureLogs(): DestinationStream & {
  lines: string[];
  /** Every line parsed as JSON. */
  entries(): Array<Record<string, unknown>>;
  /** Everything written, as one string. */
  text(): string;
} {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}
