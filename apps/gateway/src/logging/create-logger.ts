import { redactSecrets } from '@loom/core';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LoggingConfig } from '../config/server-schema.js';

/** What `createLogger` needs besides the `logging` section. */
export interface CreateLoggerOptions {
  /**
   * Exact values to blank out wherever they appear (provider and gateway keys from the config),
   * including ones that look like nothing in particular.
   */
  secrets?: readonly string[];
  /** Where lines go instead of `logging.destination` (tests capture output here). */
  stream?: DestinationStream;
}

// Structured fields that hold credentials by name, censored before serialization. Fixed paths
// only: pino's wildcard paths cost ~25 us a line, and the line hook below catches these names
// at any depth anyway.
const REDACTED_PATHS = [
  'authorization',
  'apiKey',
  'api_key',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
];

// Access lines are buffered (4 KiB) and written asynchronously: a synchronous write per request
// to a pipe was the gateway's largest single cost under load. pino flushes the buffer on exit.
const BUFFERED = { sync: false, minLength: 4096 } as const;

function destinationOf(destination: string | undefined): DestinationStream {
  if (destination === undefined || destination === 'stdout')
    return pino.destination({ dest: 1, ...BUFFERED });
  if (destination === 'stderr') return pino.destination({ dest: 2, ...BUFFERED });
  return pino.destination({ dest: destination, mkdir: true, append: true, ...BUFFERED });
}

/** Each secret as written raw and as it appears inside a JSON string. */
function spellings(secrets: readonly string[]): string[] {
  const all = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    all.add(secret);
    all.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...all];
}

/**
 * The gateway's pino logger. Two layers keep credentials out of every line: `redact` censors
 * fields named like credentials, and a hook runs the whole serialized line (messages, errors,
 * stack traces included) through core's `redactSecrets` with the configured keys, so a key is
 * caught wherever it ended up, even inside an upstream's error text.
 */
export function createLogger(
  config: LoggingConfig = {},
  options: CreateLoggerOptions = {},
): Logger {
  const secrets = spellings(options.secrets ?? []);
  const logger = pino(
    {
      level: config.level ?? 'info',
      base: { service: 'loom-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: (line) => redactSecrets(line, secrets) },
    },
    options.stream ?? destinationOf(config.destination),
  );
  // A quiet gateway would otherwise hold its last lines in the buffer; a second is soon enough.
  if (!options.stream) setInterval(() => logger.flush(), 1000).unref();
  return logger;
}
