import type { LedgerCompactResult, LedgerStore } from '@loom/cost';
import type { Retention } from '../config/retention-schema.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * One compaction pass at `now` under `retention`; undefined when the store cannot compact or
 * the retention keeps everything.
 */
export async function compactLedger(
  ledger: LedgerStore,
  retention: Retention,
  options: { now?: number; signal?: AbortSignal } = {},
): Promise<LedgerCompactResult | undefined> {
  if (!ledger.compact || retention.rawDays === 0) return undefined;
  const now = options.now ?? Date.now();
  return ledger.compact({
    rawBefore: now - retention.rawDays * DAY_MS,
    ...(retention.rollupDays > 0 ? { rollupsBefore: now - retention.rollupDays * DAY_MS } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * Compacts the ledger once now and then every hour, off the request path: the timer does not
 * keep the process alive, and a failed pass is reported to `onError` and tried again next hour.
 * The returned function stops the timer and waits for a pass in flight to stop between steps.
 */
export function startLedgerRetention(
  ledger: LedgerStore,
  retention: Retention,
  onError: (error: unknown) => void,
): () => Promise<void> {
  if (!ledger.compact || retention.rawDays === 0) return async () => {};
  const abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    // Passes never overlap: an hour-long first pass on a large ledger delays the next one.
    running = running
      .then(() => compactLedger(ledger, retention, { signal: abort.signal }))
      .then(
        () => {},
        (error: unknown) => onError(error),
      );
  };
  pass();
  const timer = setInterval(pass, HOUR_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    abort.abort();
    await running;
  };
}
