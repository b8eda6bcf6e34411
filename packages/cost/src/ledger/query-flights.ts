import type { LedgerGroup, LedgerQuery } from './cost-record.js';

/**
 * Lets concurrent identical queries share one read (an open dashboard in several tabs asks the
 * same thing at the same moment). A query joins one in flight only if no append finished since
 * that one started, so nobody gets an answer that misses their own writes; appends through
 * other processes are seen as soon as a query starts after them, as without sharing.
 */
export class QueryFlights {
  private appends = 0;
  private readonly flights = new Map<string, Promise<LedgerGroup[]>>();

  /** An append finished: queries from now on read afresh. */
  wrote(): void {
    this.appends += 1;
  }

  /** `read`'s answer, or that of an identical read started since the last append. */
  run(query: LedgerQuery, read: () => Promise<LedgerGroup[]>): Promise<LedgerGroup[]> {
    const key = [this.appends, query.from, query.to, query.groupBy, query.rawScan === true].join(
      '|',
    );
    let flight = this.flights.get(key);
    if (!flight) {
      const started = read();
      const forget = () => {
        if (this.flights.get(key) === started) this.flights.delete(key);
      };
      started.then(forget, forget);
      this.flights.set(key, started);
      flight = started;
    }
    // Each caller gets groups of its own to change.
    return flight.then((groups) => groups.map((group) => ({ ...group })));
  }
}
