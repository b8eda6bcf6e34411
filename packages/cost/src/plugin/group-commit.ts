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
