import { BatchedLedger, type BatchedLedgerOptions } from '../ledger/batched-ledger.js';
import type { CostRecord, LedgerStore } from '../ledger/cost-record.js';
import { groupCommit, TurnCommit } from './group-commit.js';

/** How the rows of attempts reach the ledger store; chosen once, when the plugin is set up. */
export interface LedgerWriter {
  /** The queue rows wait in when the store did not take them on the spot. */
  readonly queue: BatchedLedger;
  /**
   * Takes one attempt's row; true when it waits to be committed with its request (it was not
   * stored on the spot). `alone`: no other request is in flight.
   */
  take(record: CostRecord, alone: boolean): boolean;
  /** What a finished request with waiting rows waits for; undefined when nothing. */
  commit(alone: boolean): Promise<void> | undefined;
  /** Stores every row taken so far (before a report reads the store). */
  flush(): Promise<void>;
  /** Stores every row taken so far, then closes the store. */
  close(): Promise<void>;
}

/** What `chooseLedgerWriter` needs. */
export interface LedgerWriterOptions {
  store: LedgerStore;
  /** `ledgerWrites` of the plugin's options: `batched` when undefined. */
  writes: 'batched' | 'request' | undefined;
  batching: BatchedLedgerOptions | undefined;
  /** Longest a request waits for the queue to store its rows, ms. */
  waitMs: number;
  /** Reports a failed write (the rows are kept and retried). */
  onError: (error: unknown) => void;
}

/** The writer for `ledgerWrites` and the store: batched, group commit, or the store's journal. */
export function chooseLedgerWriter(options: LedgerWriterOptions): LedgerWriter {
  const { store, batching, onError } = options;
  const queue = new BatchedLedger(store, {
    ...batching,
    onError: (error) => {
      batching?.onError?.(error);
      onError(error);
    },
  });
  if (options.writes !== 'request') return new BatchedWriter(queue);
  const commitQueue = groupCommit(() => queue.flush(), options.waitMs);
  // A store that keeps rows durably as it takes them (a journal) lets a request wait for nothing.
  const appendSync = store.appendSync?.bind(store);
  if (!appendSync) return new GroupCommitWriter(queue, commitQueue);
  return new JournalWriter({ queue, appendSync, commitQueue, onError });
}

/** `ledgerWrites: 'batched'`: rows are stored off the request path; requests never wait. */
class BatchedWriter implements LedgerWriter {
  constructor(readonly queue: BatchedLedger) {}

  take(record: CostRecord): boolean {
    this.queue.write(record);
    return true;
  }

  commit(): undefined {
    return undefined;
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** `ledgerWrites: 'request'`: requests that end in one turn wait for one flush of the queue. */
class GroupCommitWriter implements LedgerWriter {
  constructor(
    readonly queue: BatchedLedger,
    private readonly commitQueue: (alone: boolean) => Promise<void>,
  ) {}

  take(record: CostRecord): boolean {
    this.queue.write(record);
    return true;
  }

  commit(alone: boolean): Promise<void> {
    return this.commitQueue(alone);
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

interface JournalWriterOptions {
  queue: BatchedLedger;
  appendSync: (records: readonly CostRecord[]) => void;
  commitQueue: (alone: boolean) => Promise<void>;
  onError: (error: unknown) => void;
}

/**
 * `ledgerWrites: 'request'` into a store that keeps rows durably as it takes them: a request
 * alone stores its row as its attempt ends; among others, rows share one write per turn (a
 * journal write per row costs more under load). When the store throws, rows take the queue.
 */
class JournalWriter implements LedgerWriter {
  readonly queue: BatchedLedger;
  private readonly turn: TurnCommit;

  constructor(private readonly options: JournalWriterOptions) {
    const { queue, commitQueue, onError } = options;
    this.queue = queue;
    this.turn = new TurnCommit(options.appendSync, (records, error) => {
      onError(error);
      for (const record of records) queue.write(record);
      return commitQueue(true);
    });
  }

  take(record: CostRecord, alone: boolean): boolean {
    if (alone && this.storedNow(record)) return false;
    this.turn.add(record);
    return true;
  }

  commit(alone: boolean): Promise<void> | undefined {
    return this.turn.commit(alone);
  }

  async flush(): Promise<void> {
    await this.turn.storeNow();
    await this.queue.flush();
  }

  async close(): Promise<void> {
    await this.turn.storeNow();
    await this.queue.close();
  }

  private storedNow(record: CostRecord): boolean {
    try {
      this.options.appendSync([record]);
      return true;
    } catch (error) {
      this.options.onError(error);
      return false;
    }
  }
}
