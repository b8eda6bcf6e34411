import { redactSecrets } from '@loom/core';
import type { DestinationStream, Logger } from 'pino';
import type { AccessRecord } from './access-record.js';

/**
 * What a logger made by `createLogger` lends the access log's fast path: where its lines go, and
 * what its two redaction layers need.
 */
export interface AccessLineTarget {
  destination: DestinationStream;
  /** The logger's base bindings as JSON members (`"service":"loom-gateway"`). */
  bindings: string;
  /** Spellings of the configured secrets, as the logger's line hook blanks them out. */
  secrets: readonly string[];
  /** Top-level field names the logger censors (`redact` paths). */
  credentialFields: readonly string[];
}

// Keyed by the logger object itself: a child logger or a logger built elsewhere (other bindings,
// formatters or redact paths) is not in here and keeps going through pino.
const targets = new WeakMap<Logger, AccessLineTarget>();

/** Lets `writeAccessLine` write `logger`'s info access lines itself (see there). */
export function enableFastAccessLines(logger: Logger, target: AccessLineTarget): void {
  targets.set(logger, target);
}

// Lines come several per millisecond under load: the time is formatted once per millisecond.
let isoAt = -1;
let iso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoAt) {
    isoAt = now;
    iso = new Date(now).toISOString();
  }
  return iso;
}

/**
 * Writes an info-level access line for a logger made by `createLogger`, byte for byte what pino
 * would write (`{"level":30,"time":…,"service":…,…fields,"status","durationMs","msg"}`), and
 * returns false when the line must go through pino instead: one `JSON.stringify` of the record
 * instead of pino's merged object and field-by-field concatenation. Both redaction layers still apply: a record with a
 * credential-named field goes through pino's `redact`, and every line through `redactSecrets`.
 */
export function writeAccessLine(
  logger: Logger,
  record: AccessRecord,
  status: number,
  durationMs: number,
  aborted: boolean,
): boolean {
  const target = targets.get(logger);
  if (target === undefined || !logger.isLevelEnabled('info')) return false;
  // Prompts, answers and causes are arbitrary values: pino's serializers and redaction handle them.
  if (record.prompt !== undefined || record.answer !== undefined || record.cause !== undefined)
    return false;
  const fields = record as unknown as Record<string, unknown>;
  for (const name of target.credentialFields) if (fields[name] !== undefined) return false;
  // The record always holds requestId, method and path, so its members are never empty.
  const members = JSON.stringify(record).slice(1, -1);
  const line =
    `{"level":30,"time":"${isoNow()}",${target.bindings},${members}` +
    `,"status":${status},"durationMs":${durationMs}${aborted ? ',"aborted":true' : ''}` +
    ',"msg":"request"}\n';
  target.destination.write(redactSecrets(line, target.secrets));
  return true;
}
