import { BatchedLedger } from './batched-ledger.js';
import type { CostRecord, LedgerStore } from './cost-record.js';
import {
  journalPathFor,
  openLedgerJournal,
  orphanedJournals,
  readJournal,
  retireJournal,
} from './ledger-journal.js';
import { QueryFlights } from './query-flights.js';

/** Options of `withLedgerJournal`. */
export interface LedgerJournalOptions {
  /** The store's database file; journals are kept beside it (`<file>.journal-<host>-<pid>-<n>`). */
  databasePath: string;
  /** How often journaled records are copied into the store, ms; default 1000. */
  flushIntervalMs?: number;
  /** Copy as soon as this many are waiting; default 500. */
  batchSize?: number;
  /** A failed copy into the store (retried), or a damaged journal kept aside. */
  onError?: (error: unknown) => void;
}

/** A store fronted by a journal, and what it recovered when it opened. */
export interface JournaledLedgerStore extends LedgerStore {
  appendSync(records: readonly CostRecord[]): void;
  readonly journalPath: string;
  /** Records found in journals left by processes that died, now stored. */
  readonly recovered: number;
}

/**
 * Fronts a file-backed store with this process's journal: `appendSync` returns (and `append`
 * resolves) once the records are in the journal (one `write`, durable against a crash of this
 * process), and the store gets them in batches off the request path. Opening first stores what
 * journals of dead processes on this host held (stores ignore ids they have, so a replay is
 * harmless, rollups included: only rows a store did not have are added to them). `query` stores
 * what is waiting first; concurrent identical queries share that and the read. `close` stores
 * the rest; the journal is deleted once empty, or kept for the next start when the store could
 * not take everything.
 */
export async function withLedgerJournal(
  store: LedgerStore,
  options: LedgerJournalOptions,
): Promise<JournaledLedgerStore> {
  let recovered = 0;
  for (const path of orphanedJournals(options.databasePath)) {
    const journal = readJournal(path);
    for (let start = 0; start < journal.records.length; start += 500)
      await store.append(journal.records.slice(start, start + 500));
    retireJournal(journal);
    recovered += journal.records.length;
    if (journal.badLines > 0)
      options.onError?.(
        new Error(
          `cost ledger journal ${path} had ${journal.badLines} damaged line(s); its ` +
            `${journal.records.length} readable records are stored and the file is kept as ${path}.bad`,
        ),
      );
  }
  const journal = openLedgerJournal(journalPathFor(options.databasePath));
  const batches: BatchedLedger = new BatchedLedger(store, {
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    batchSize: options.batchSize ?? 500,
    ...(options.onError ? { onError: options.onError } : {}),
    // Everything journaled is stored; unless the queue overflowed: then the journal holds
    // records the queue dropped, and stays whole until a restart replays it. A store that took
    // records into memory while its server is away has not stored them yet: the journal keeps
    // them until it has.
    onDrained: () => {
      if (batches.dropped === 0 && !store.health?.().queuedRows) journal.reset();
    },
  });
  let closed = false;
  const flights = new QueryFlights();
  const appendSync = (records: readonly CostRecord[]) => {
    if (closed) throw new Error(`cost ledger is closed; ${records.length} record(s) not stored`);
    if (records.length === 0) return;
    journal.append(records);
    for (const record of records) batches.write(record);
    flights.wrote();
  };
  return {
    journalPath: journal.path,
    recovered,
    appendSync,
    async append(records) {
      appendSync(records);
    },
    query: (query = {}) =>
      flights.run(query, async () => {
        await batches.flush();
        return store.query(query);
      }),
    ...(store.health ? { health: store.health.bind(store) } : {}),
    ...(store.compact
      ? {
          compact: async (options) => {
            // Rows still in the journal would otherwise land after their hour was compacted.
            await batches.flush();
            try {
              return await store.compact!(options);
            } finally {
              flights.wrote();
            }
          },
        }
      : {}),
    async close() {
      if (closed) return;
      closed = true;
      await batches.close();
      journal.close();
    },
  };
}
