import * as onExit from 'on-exit-leak-free';
import { type DestinationStream, pino } from 'pino';

// Access lines are buffered (4 KiB): a write per request was the gateway's largest single cost
// under load. Each full buffer is written synchronously, as pino's own default destination does,
// sparing a round trip through a libuv worker thread per buffer. pino flushes the buffer on exit.
// Buffer mode: text mode re-measures the whole pending string's byte length on every line.
// A destination that fails keeps the lines it could not write, up to `maxLength`, and writes them
// once it takes writes again; past that, new lines are dropped rather than held without bound.
const HELD_AT_MOST = 8 * 1024 * 1024;
const BUFFERED = {
  sync: true,
  minLength: 4096,
  maxLength: HELD_AT_MOST,
  contentMode: 'buffer',
} as const;

type SonicBoom = ReturnType<typeof pino.destination>;

/** Destinations whose last write failed (and none has succeeded since). */
const failing = new WeakSet<SonicBoom>();

/**
 * Writes what is buffered, unless the destination is failing: sonic-boom's `flushSync` retries a
 * failed write every 100 ms for as long as it fails (a full disk: forever), which would hang the
 * process at exit. One ordinary write goes first and tells.
 */
function flushUnlessFailing(destination: SonicBoom): void {
  try {
    destination.flush();
    if (!failing.has(destination)) destination.flushSync();
  } catch {
    // Already closed (a log file released at shutdown): nothing is left to write.
  }
}

/** A buffer-mode destination that takes pino's string lines. */
function acceptingText(destination: SonicBoom): DestinationStream {
  return {
    // Off the JS heap: the bytes go to Node's buffer pool, not to a string the GC must scan.
    // (sonic-boom's types only know text mode; in buffer mode `write` takes a Buffer.)
    write: (line: string) => destination.write(Buffer.from(line, 'utf8') as unknown as string),
    flush: (callback?: (error?: Error) => void) => destination.flush(callback),
    flushSync: () => flushUnlessFailing(destination),
  } as DestinationStream;
}

/** A buffered destination whose last lines are written when the process exits. */
function buffered(
  options: Parameters<typeof pino.destination>[0] & object,
  onError: (error: unknown) => void,
): SonicBoom {
  const destination = pino.destination({ ...options, ...BUFFERED });
  // sonic-boom emits a failed write as 'error' (pino's own listener only quiets EPIPE), and an
  // 'error' nobody listens to ends the process: a full disk would take the gateway down.
  destination.on('error', (error: unknown) => {
    if (failing.has(destination)) return;
    failing.add(destination);
    onError(error);
  });
  destination.on('write', () => failing.delete(destination));
  // pino registers this for asynchronous destinations only. Held weakly: a logger dropped
  // (tests make hundreds) is neither kept alive nor flushed.
  onExit.register(destination, flushUnlessFailing);
  return destination;
}

/** Reports a failing destination on stderr, unless stderr is the one failing. */
function reportOnStderr(name: string): (error: unknown) => void {
  return (error) => {
    if (name === 'stderr') return;
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `loom: error: log destination ${name} failed (${reason}); up to 8 MiB of lines wait for it to take writes again, later ones are dropped\n`,
    );
  };
}

/**
 * The destination `logging.destination` names (`stdout`, `stderr` or a file path), buffered;
 * `onError` is told when it starts failing (again after it recovered), by default on stderr.
 */
export function logDestination(
  destination: string | undefined,
  onError?: (error: unknown) => void,
): DestinationStream {
  const name = destination ?? 'stdout';
  const report = onError ?? reportOnStderr(name);
  if (name === 'stdout') return acceptingText(buffered({ dest: 1 }, report));
  if (name === 'stderr') return acceptingText(buffered({ dest: 2 }, report));
  return acceptingText(buffered({ dest: name, mkdir: true, append: true }, report));
}
