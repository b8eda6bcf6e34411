import type { CostRecord } from '../ledger/cost-record.js';

// Taken at load: a test that fakes timers must not stall every request waiting for its rows.
const afterThisTurn = setImmediate;

/**
 * Waits for the flush that stores a request's rows, but never longer than `ms`: a ledger that is
 * down must not hold every answer hostage. The rows stay queued and are retried.
 */
async function durably(flush: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([flush, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Group commit for `ledgerWrites: 'request'`: every request that finishes in one event-loop turn
 * waits for the same flush, started once the turn's I/O is done, so they share one transaction
 * (and one wait timer) instead of each committing its own. SQLite's append is synchronous, so
 * without the deferral each request committed alone; one commit per row was most of the ledger's
 * cost under load. `alone` says no other request is in flight: then nobody could share the
 * write, and it starts at once rather than costing the request a turn.
 */
export function groupCommit(
  flush: () => Promise<void>,
  waitMs: number,
): (alone: boolean) => Promise<void> {
  let next: Promise<void> | undefined;
  const commit = () => {
    next = undefined;
    return durably(flush(), waitMs);
  };
  return (alone) => {
    if (alone && !next) return durably(flush(), waitMs);
    next ??= new Promise<void>((resolve) => afterThisTurn(resolve)).then(commit);
    return next;
  };
}

/**
 * Group commit into a store that keeps rows durably as it takes them (`appendSync`: a journal).
 * The rows of requests that end in one event-loop turn are handed to it together once the turn's
 * I/O is done, with no queue, async flush or wait timer in between (nothing there can be slow:
 * the write is one `write` call). When the store throws, `fallback` takes the rows (the queue,
 * and its bounded wait) and the requests wait for that instead.
 */
export class TurnCommit {
  private rows: CostRecord[] = [];
  private next: Promise<void> | undefined;

  constructor(
    private readonly appendSync: (records: readonly CostRecord[]) => void,
    private readonly fallback: (records: CostRecord[], error: unknown) => Promise<void>,
  ) {}

  add(record: CostRecord): void {
    this.rows.push(record);
  }

  /** Resolves once the rows added so far are stored; `alone` stores them now, without a turn. */
  commit(alone: boolean): Promise<void> | undefined {
    if (alone && !this.next) return this.storeNow();
    this.next ??= new Promise<void>((resolve) => afterThisTurn(resolve)).then(() =>
      this.storeNow(),
    );
    return this.next;
  }

  /** Hands every waiting row to the store. */
  storeNow(): Promise<void> | undefined {
    this.next = undefined;
    if (this.rows.length === 0) return undefined;
    const rows = this.rows;
    this.rows = [];
    try {
      this.appendSync(rows);
      return undefined;
    } catch (error) {
      return this.fallback(rows, error);
    }
  }
}
