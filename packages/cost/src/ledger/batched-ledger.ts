import type { CostRecord, LedgerStore } from './cost-record.js';

/** Options of `BatchedLedger`. */
export interface BatchedLedgerOptions {
  /** Flush at least this often, ms; default 1000. This is also the most a crash can lose. */
  flushIntervalMs?: number;
  /** Flush as soon as this many records are queued; default 500. */
  batchSize?: number;
  /** Records the queue holds at most; more are dropped and counted. Default 100 000. */
  maxQueue?: number;
  /** Called when a flush fails (its records stay queued for the next try) or records are dropped. */
  onError?: (error: unknown) => void;
  /** Called when a flush has stored every queued record, before anything else runs. */
  onDrained?: () => void;
}

/**
 * Writes cost records off the request path: `write` only queues; a timer and a size trigger
 * flush to the store. `close()` flushes everything. A crash loses what was queued since the last
 * flush: at most one flush interval of records.
 */
export class BatchedLedger {
  private queue: CostRecord[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private closed = false;
  private droppedCount = 0;
  private readonly batchSize: number;
  private readonly maxQueue: number;

  constructor(
    readonly store: LedgerStore,
    private readonly options: BatchedLedgerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxQueue = options.maxQueue ?? 100_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref?.();
  }

  /** Records waiting for a flush. */
  get pending(): number {
    return this.queue.length;
  }

  /** Records dropped because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Queues a record; never waits for the store. */
  write(record: CostRecord): void {
    if (this.closed)
      throw new Error('BatchedLedger is closed; records written after close() are lost');
    if (this.queue.length >= this.maxQueue) {
      this.droppedCount += 1;
      this.options.onError?.(
        new Error(`cost ledger queue full (${this.maxQueue}); record ${record.id} dropped`),
      );
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= this.batchSize && !this.flushing) void this.flush();
  }

  /** Writes everything queued so far; resolves when it is stored. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await this.store.append(batch);
      } catch (error) {
        // Keep the batch for the next flush: stores ignore duplicate ids, so a retry is safe.
        this.queue.unshift(...batch);
        this.options.onError?.(error);
        return;
      }
    }
    this.options.onDrained?.();
  }

  /** Stops the timer, flushes everything, and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    await this.store.close();
  }
}
