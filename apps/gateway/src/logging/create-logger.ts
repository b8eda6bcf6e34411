import { redactSecrets } from '@loom/core';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LoggingConfig } from '../config/server-schema.js';
import { enableFastAccessLines } from './access-line.js';
import { logDestination } from './log-destination.js';

/** What `createLogger` needs besides the `logging` section. */
export interface CreateLoggerOptions {
  /**
   * Exact values to blank out wherever they appear (provider and gateway keys from the config),
   * including ones that look like nothing in particular.
   */
  secrets?: readonly string[];
  /** Where lines go instead of `logging.destination` (tests capture output here). */
  stream?: DestinationStream;
  /**
   * Told once when the destination first fails to take lines (a full disk, a lost mount); by
   * default a line on stderr, unless stderr is the destination.
   */
  onDestinationError?: (error: unknown) => void;
}

// Structured fields that hold credentials by name, censored before serialization. Fixed paths
// only: pino's wildcard paths are slow per line, and the line hook below catches these names at
// any depth anyway.
const REDACTED_PATHS = [
  'authorization',
  'apiKey',
  'api_key',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
];

// The top-level names among them: a line holding one of these goes through pino's `redact`.
const CREDENTIAL_FIELDS = [
  ...new Set(REDACTED_PATHS.map((path) => path.split(/[.[]/, 1)[0] ?? path)),
];

const BASE = { service: 'loom-gateway' };

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

/** Each logger's spellings of secrets, read at every line, so a reload can add to them. */
const secretsOf = new WeakMap<Logger, string[]>();

/** Adds credentials to blank out (a reload's new keys) in the lines a logger writes from now on. */
export function addLoggerSecrets(logger: Logger, secrets: readonly string[]): void {
  const known = secretsOf.get(logger);
  if (!known) return;
  for (const spelling of spellings(secrets)) if (!known.includes(spelling)) known.push(spelling);
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
  const destination =
    options.stream ?? logDestination(config.destination, options.onDestinationError);
  const logger = pino(
    {
      level: config.level ?? 'info',
      base: BASE,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: (line) => redactSecrets(line, secrets) },
    },
    destination,
  );
  // A stream that reads pino's per-line metadata (a multistream filtering by level) only gets
  // lines from pino itself.
  if (Reflect.get(destination, pino.symbols.needsMetadataGsym) !== true) {
    const bindings = JSON.stringify(BASE).slice(1, -1);
    enableFastAccessLines(logger, {
      destination,
      bindings,
      secrets,
      credentialFields: CREDENTIAL_FIELDS,
    });
  }
  secretsOf.set(logger, secrets);
  // A quiet gateway would otherwise hold its last lines in the buffer; a second is soon enough.
  if (!options.stream) setInterval(() => logger.flush(), 1000).unref();
  return logger;
}
