import { type Alert, type AlertSinkV1, redactSecrets } from '@loom/core';
import { type DestinationStream, type Logger, pino } from 'pino';

/** Options of `createLogSink`. */
export interface LogSinkOptions {
  /** Sink name; default `log`. */
  name?: string;
  /** A pino logger to write through; default a new one on `destination` (stdout). */
  logger?: Logger;
  /** Where a new logger writes; default stdout. */
  destination?: DestinationStream;
}

/** Keys whose values never reach a log (RELIABILITY.md, Security). */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  '*.*.authorization',
  '["x-api-key"]',
  '*["x-api-key"]',
  '*.*["x-api-key"]',
  '["api-key"]',
  '*["api-key"]',
  '*.*["api-key"]',
  'api_key',
  '*.api_key',
  '*.*.api_key',
];

const LEVELS = { critical: 'error', warning: 'warn', info: 'info' } as const;

/** A copy of `alert` with `sk-...` keys and `Bearer ...` tokens removed from every string. */
function redactAlert(alert: Alert): Alert {
  const labels = Object.fromEntries(
    Object.entries(alert.labels).map(([name, value]) => [name, redactSecrets(value)]),
  );
  return { ...alert, message: redactSecrets(alert.message), labels };
}

/**
 * stdout, each line written as it comes, where a write that fails (stdout redirected to a full
 * disk) only costs lines: pino's own listener quiets EPIPE alone, and an 'error' event nobody
 * listens to ends the process. Synchronous, unlike pino's default, so no flush is due at exit:
 * sonic-boom's exit flush retries a failing write forever, and the process would never end.
 * Lines that could not be written wait, up to 1 MiB, for stdout to take writes again.
 */
function stdout(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: true, maxLength: 1024 * 1024 });
  destination.on('error', () => {});
  return destination;
}

/** An alert sink that writes each alert as one structured pino log line, with secrets redacted. */
export function createLogSink(options: LogSinkOptions = {}): AlertSinkV1 {
  const logger =
    options.logger ??
    pino(
      { name: 'loom-alerts', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      options.destination ?? stdout(),
    );
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'log',
    async doSend(alert, { signal }) {
      signal.throwIfAborted();
      const level = alert.state === 'resolved' ? 'info' : LEVELS[alert.severity];
      const safe = redactAlert(alert);
      logger[level]({ alert: safe }, safe.message);
    },
    async close() {
      logger.flush?.();
    },
  };
}
