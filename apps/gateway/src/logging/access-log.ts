import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { writeAccessLine } from './access-line.js';
import type { AccessRecord } from './access-record.js';

/**
 * Writes one access line for a finished (or abandoned) response: `error` level for 5xx, `warn`
 * for 4xx and in-band stream errors, `info` otherwise.
 */
export function logAccess(
  logger: Logger,
  record: AccessRecord,
  response: ServerResponse,
  startedAt: number,
): void {
  const status = response.statusCode;
  const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
  const aborted = !response.writableFinished;
  const info = status < 400 && !record.error;
  // Most lines are ordinary successes: written without pino's per-line objects when possible.
  if (info && writeAccessLine(logger, record, status, durationMs, aborted)) return;
  const { cause, ...fields } = record;
  const line = {
    ...fields,
    status,
    durationMs,
    ...(aborted ? { aborted: true } : {}),
    ...(cause === undefined ? {} : { err: cause }),
  };
  if (status >= 500) logger.error(line, 'request failed');
  else if (!info) logger.warn(line, 'request refused or broken');
  else logger.info(line, 'request');
}
