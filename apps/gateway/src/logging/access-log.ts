import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { capEcho, MAX_ECHO_LENGTH } from '../errors/cap-echo.js';
import { writeAccessLine } from './access-line.js';
import type { AccessRecord } from './access-record.js';

/**
 * The record with what the client chose freely (the path, the model name) capped, so a 10 KB
 * model name is not written back into the log; the record itself when nothing is that long.
 */
function capped(record: AccessRecord): AccessRecord {
  const { path, requestedModel } = record;
  const longModel = requestedModel !== undefined && requestedModel.length > MAX_ECHO_LENGTH;
  if (path.length <= MAX_ECHO_LENGTH && !longModel) return record;
  return {
    ...record,
    path: capEcho(path),
    ...(requestedModel === undefined ? {} : { requestedModel: capEcho(requestedModel) }),
  };
}

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
  const shown = capped(record);
  const status = response.statusCode;
  const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
  const aborted = !response.writableFinished;
  const info = status < 400 && !shown.error;
  // Most lines are ordinary successes: written without pino's per-line objects when possible.
  if (info && writeAccessLine(logger, shown, status, durationMs, aborted)) return;
  const { cause, ...fields } = shown;
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
