import { LoomError } from '@loom/core';
import type { CostRecord, LedgerConnectionState, LedgerHealth } from './cost-record.js';
import { messageOf, type PostgresFailure } from './postgres-failure.js';

/** What an `OutageQueue` needs from the store it fronts. */
export interface OutageQueueOptions {
  /** Names the store in errors: `PostgreSQL ledger`. */
  name: string;
  /** Stores one batch (duplicate ids ignored, so a retry is harmless); throws when it cannot. */
  insert(records: readonly CostRecord[]): Promise<void>;
  /** Makes sure the server can take rows (migrations included); throws when it cannot. */
  check(): Promise<void>;
  classify(error: unknown): PostgresFailure;
  batchSize: number;
  /** Rows it holds at most; `append` refuses more. */
  maxQueuedRows: number;
  /** The server went away (once per outage), or a row it refused as invalid was dropped. */
  onError?: ((error: unknown) => void) | undefined;
}

/** Retry delay after the n-th failure in a row: 100 ms doubling to 2 s, for as long as it takes. */
export function retryDelay(failures: number): number {
  return Math.min(100 * 2 ** Math.max(0, failures - 1), 2000);
}

/**
 * Keeps a ledger store's writes through its server's outages: while the server is unreachable,
 * `append` queues the rows in memory (bounded) and resolves, and one background loop checks the
 * server with backoff and stores the queue in order once it answers. Rows carry unique ids and
 * the store ignores ids it has, so a batch whose fate a cut connection hid is simply sent again:
 * nothing is lost or counted twice.
 */
export class OutageQueue {
  private current: LedgerConnectionState = 'connecting';
  private lastError: unknown;
  private rows: CostRecord[] = [];
  private refused = 0;
  private recheck = false;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  // Drains run one after another: two would take the same rows off the queue's head.
  private draining: Promise<void> = Promise.resolve();
  private wakeSleeper: (() => void) | undefined;
  private closed = false;
  private readonly listeners = new Set<(state: LedgerConnectionState) => void>();

  constructor(private readonly io: OutageQueueOptions) {}

  state(): LedgerConnectionState {
    return this.current;
  }

  health(): LedgerHealth {
    return {
      state: this.current,
      queuedRows: this.rows.length,
      refusedRows: this.refused,
      ...(this.current !== 'ready' && this.lastError !== undefined
        ? { lastError: messageOf(this.lastError) }
        : {}),
    };
  }

  onStateChange(listener: (state: LedgerConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first check at open: `ready`, or a failure the background loop retries. */
  opened(error?: unknown): void {
    if (error === undefined) {
      this.set('ready');
      return;
    }
    this.lastError = error;
    this.io.onError?.(this.unavailable());
    this.wake();
  }

  /** A pooled connection died while idle: check that the server is still there. */
  suspect(): void {
    if (this.current !== 'ready') return;
    this.recheck = true;
    this.wake();
  }

  async append(records: readonly CostRecord[]): Promise<void> {
    if (this.closed)
      throw new Error(`The ${this.io.name} is closed; ${records.length} record(s) not stored`);
    if (records.length === 0) return;
    let done = 0;
    if (this.current === 'ready' && this.rows.length === 0) {
      try {
        for (; done < records.length; done += this.io.batchSize)
          await this.storeBatch(records.slice(done, done + this.io.batchSize));
        return;
      } catch (error) {
        this.fail(error);
      }
    }
    this.enqueue(done === 0 ? records : records.slice(done));
  }

  /** Before a read: throws while the server is away, else stores what waits so the read counts it. */
  async beforeRead(): Promise<void> {
    if (this.current !== 'ready') throw this.unavailable();
    if (this.rows.length === 0) return;
    try {
      await this.drain();
    } catch (error) {
      this.fail(error);
      throw this.unavailable();
    }
  }

  /** A read failed: when the server is gone, the state says so and the error explains it. */
  readFailed(error: unknown): unknown {
    if (this.io.classify(error) !== 'unreachable') return error;
    this.fail(error);
    return this.unavailable();
  }

  /** Stops retrying, makes a last attempt at what waits and reports what could not be stored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeSleeper?.();
    await this.loop;
    if (this.rows.length > 0) {
      try {
        if (this.current !== 'ready') await this.io.check();
        await this.drain();
      } catch (error) {
        this.lastError = error;
      }
    }
    if (this.rows.length > 0)
      this.io.onError?.(
        new Error(
          `The ${this.io.name} closed with ${this.rows.length} cost record(s) its server never ` +
            `took (${messageOf(this.lastError)}); they are lost`,
        ),
      );
    this.listeners.clear();
  }

  private enqueue(records: readonly CostRecord[]): void {
    if (this.rows.length + records.length > this.io.maxQueuedRows)
      throw new LoomError({
        code: 'ledger_unavailable',
        message:
          `The ${this.io.name} queue is full: ${this.rows.length} record(s) wait for its server ` +
          `(${messageOf(this.lastError)}); ${records.length} more not accepted`,
        ...(this.lastError === undefined ? {} : { cause: this.lastError }),
      });
    for (const record of records) this.rows.push(record);
    this.wake();
  }

  private wake(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let failures = 0;
    try {
      while (!this.closed && (this.current !== 'ready' || this.recheck || this.rows.length > 0)) {
        try {
          if (this.current !== 'ready' || this.recheck) {
            this.recheck = false;
            await this.io.check();
            this.set('ready');
          }
          await this.drain();
          failures = 0;
        } catch (error) {
          this.fail(error);
          failures += 1;
          await this.sleep(retryDelay(failures));
        }
      }
    } finally {
      // No await between the loop's last test and here: an append that queues after it starts
      // a new loop.
      this.running = false;
    }
  }

  private drain(): Promise<void> {
    const next = this.draining.then(async () => {
      while (this.rows.length > 0) {
        const batch = this.rows.slice(0, this.io.batchSize);
        await this.storeBatch(batch);
        this.rows.splice(0, batch.length);
      }
    });
    this.draining = next.catch(() => {});
    return next;
  }

  /** Stores a batch; rows the server refuses as invalid are dropped (reported), not retried. */
  private async storeBatch(batch: readonly CostRecord[]): Promise<void> {
    try {
      return await this.io.insert(batch);
    } catch (error) {
      if (this.io.classify(error) !== 'bad-row') throw error;
    }
    // One bad row fails the whole INSERT: alone, each good one still goes in, and the bad one
    // cannot hold back every row queued behind it forever.
    for (const record of batch) {
      try {
        await this.io.insert([record]);
      } catch (error) {
        if (this.io.classify(error) !== 'bad-row') throw error;
        this.refused += 1;
        this.io.onError?.(
          new Error(
            `The ${this.io.name} refused cost record ${record.id} (${messageOf(error)}); dropped`,
            { cause: error },
          ),
        );
      }
    }
  }

  private fail(error: unknown): void {
    this.lastError = error;
    if (this.current === 'ready') {
      this.set('down');
      this.io.onError?.(this.unavailable());
    }
    this.wake();
  }

  private unavailable(): LoomError {
    return new LoomError({
      code: 'ledger_unavailable',
      statusCode: 503,
      isRetryable: true,
      message:
        `The ${this.io.name} is unreachable (${messageOf(this.lastError)}); cost records wait ` +
        `in memory (${this.rows.length} now, at most ${this.io.maxQueuedRows}) and are stored ` +
        'when it is back',
      ...(this.lastError === undefined ? {} : { cause: this.lastError }),
    });
  }

  private set(next: LedgerConnectionState): void {
    if (next === this.current) return;
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      // A process with nothing else to do (a CLI report) may exit; its rows are lost either way.
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleeper = done;
    });
  }
}
