import type { LedgerStore } from '@loom/cost';
import { ledgerRecords } from './ledger-records.js';

/** The two stores the step measures. */
export type StoreKind = 'sqlite' | 'postgres';

/** How rows went into a ledger on its way to one size. */
export interface FillReport {
  /** Rows added for this size (the previous size's rows stay). */
  added: number;
  /** Of those, through `@loom/cost`'s own `append`. */
  appendRows: number;
  /** Of those, by one `INSERT ... SELECT ... generate_series` per chunk (PostgreSQL only). */
  bulkRows: number;
  seconds: number;
  /** Rows per second over `added`; 0 when nothing was added. */
  rowsPerSecond: number;
  /** `append` rows per second, where any went in that way. */
  appendRowsPerSecond?: number;
  /** Bulk rows per second, where any went in that way. */
  bulkRowsPerSecond?: number;
  /** Time spent on `VACUUM (ANALYZE)` after filling (PostgreSQL), s. */
  maintenanceSeconds?: number;
}

/** A ledger grown size by size, and the `storage.ledger` URL the gateway reads it through. */
export interface BenchLedger {
  readonly store: StoreKind;
  /** `storage.ledger` for the gateway's config. */
  readonly url: string;
  /** Adds rows until the ledger holds `size` of the generator's rows. */
  grow(size: number): Promise<FillReport>;
  /** Deletes the ledger (file or schema). */
  dispose(): Promise<void>;
}

/** Records per `append` call: big batches, as a busy gateway's flushes would be at most. */
export const APPEND_BATCH = 5000;
/**
 * Records generated at once and appended oldest first: a gateway writes in time order, so each
 * batch touches a few hours' rollups rather than all 720 of the 30 days.
 */
const SORTED_CHUNK = 100_000;

/**
 * Appends the generator's records `[from, to)` through the store's own `append`, calling
 * `progress` after each chunk with the rows stored so far (always a prefix of the indices); stops
 * early when it returns false. Returns the next index to store.
 */
export async function appendRange(
  store: LedgerStore,
  range: { from: number; to: number; now: number },
  progress: (stored: number) => boolean = () => true,
): Promise<number> {
  let next = range.from;
  while (next < range.to) {
    const end = Math.min(next + SORTED_CHUNK, range.to);
    const records = ledgerRecords(next, end, range.now).sort((a, b) => a.time - b.time);
    for (let offset = 0; offset < records.length; offset += APPEND_BATCH)
      await store.append(records.slice(offset, offset + APPEND_BATCH));
    next = end;
    if (!progress(next)) break;
  }
  return next;
}

/** Seconds since `started` (a `performance.now()`), two decimals. */
export const secondsSince = (started: number) =>
  Math.round((performance.now() - started) / 10) / 100;

/** Rows per second, whole. */
export const rateOf = (rows: number, seconds: number) =>
  rows === 0 || seconds <= 0 ? 0 : Math.round(rows / seconds);

/** Logs a line at most every `everyMs`. */
export function throttled(log: (line: string) => void, everyMs = 15_000) {
  let last = performance.now();
  return (line: () => string) => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    log(line());
  };
}
