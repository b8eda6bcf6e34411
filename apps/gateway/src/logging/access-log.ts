import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
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
  const { cause, ...fields } = record;
  const line = {
    ...fields,
    status,
    durationMs,
    ...(response.writableFinished ? {} : { aborted: true }),
    ...(cause === undefined ? {} : { err: cause }),
  };
  if (status >= 500) logger.error(line, 'request failed');
  else if (status >= 400 || record.error) logger.warn(line, 'request refused or broken');
  else logger.info(line, 'request');
}
