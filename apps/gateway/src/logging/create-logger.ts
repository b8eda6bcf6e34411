import { redactSecrets } from '@loom/core';
import * as onExit from 'on-exit-leak-free';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LoggingConfig } from '../config/server-schema.js';
import { enableFastAccessLines } from './access-line.js';

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

// The top-level names among them: a line holding one of these goes through pino's `redact`.
const CREDENTIAL_FIELDS = [
  ...new Set(REDACTED_PATHS.map((path) => path.split(/[.[]/, 1)[0] ?? path)),
];

const BASE = { service: 'loom-gateway' };

// Access lines are buffered (4 KiB): a write per request was the gateway's largest single cost
// under load. Each full buffer is written synchronously, as pino's own default destination does:
// an asynchronous write hands every buffer to a libuv worker thread and back, which cost 3% of
// throughput at concurrency 64 on two cores. pino flushes the buffer on exit.
// Buffer mode: in text mode the destination appends each line to its pending string and measures
// that string's byte length, which copies the whole pending buffer (~2 KB on average) per line.
const BUFFERED = { sync: true, minLength: 4096, contentMode: 'buffer' } as const;

type SonicBoom = ReturnType<typeof pino.destination>;

/** A buffer-mode destination that takes pino's string lines. */
function acceptingText(destination: SonicBoom): DestinationStream {
  return {
    // Off the JS heap: the bytes go to Node's buffer pool, not to a string the GC must scan.
    // (sonic-boom's types only know text mode; in buffer mode `write` takes a Buffer.)
    write: (line: string) => destination.write(Buffer.from(line, 'utf8') as unknown as string),
    flush: (callback?: (error?: Error) => void) => destination.flush(callback),
    flushSync: () => destination.flushSync(),
  } as DestinationStream;
}

/** A buffered destination whose last lines are written when the process exits. */
function buffered(options: Parameters<typeof pino.destination>[0] & object): SonicBoom {
  const destination = pino.destination({ ...options, ...BUFFERED });
  // pino registers this for asynchronous destinations only. Held weakly: a logger dropped
  // (tests make hundreds) is neither kept alive nor flushed.
  onExit.register(destination, (stream) => {
    try {
      stream.flushSync();
    } catch {
      // Already closed (a log file released at shutdown): nothing is left to write.
    }
  });
  return destination;
}

function destinationOf(destination: string | undefined): DestinationStream {
  if (destination === undefined || destination === 'stdout')
    return acceptingText(buffered({ dest: 1 }));
  if (destination === 'stderr') return acceptingText(buffered({ dest: 2 }));
  return acceptingText(buffered({ dest: destination, mkdir: true, append: true }));
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
  const destination = options.stream ?? destinationOf(config.destination);
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
