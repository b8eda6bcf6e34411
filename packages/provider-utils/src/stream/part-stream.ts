import type { ChatStreamPart } from '@loom/core';

type PartResult = IteratorResult<ChatStreamPart, void>;
type Batches = AsyncGenerator<readonly ChatStreamPart[], void, undefined>;

const NO_PARTS: readonly ChatStreamPart[] = [];

/**
 * The parts of a generator of batches (the parts mapped from one body chunk), one by one, with the
 * protocol of an async generator: `next`, `return` and `throw` run in call order, and `return` /
 * `throw` go to the batch generator (whose `finally` releases the body).
 *
 * Why not an async generator yielding each part: every `yield` of an async generator costs an
 * await, a request and its promise on top of the consumer's own promise. Here a part already mapped costs only the promise `next()` must return; the
 * batch generator runs once per body chunk.
 */
export class PartStream implements AsyncGenerator<ChatStreamPart, void, undefined> {
  private batch = NO_PARTS;
  private index = 0;
  // The refill, return or throw in flight: calls made meanwhile wait for it, in order, as the
  // calls of an async generator do.
  private busy: Promise<unknown> | undefined;
  // An async generator that never ran skips its `finally` on return(): until the first pull,
  // `releaseUnread` stands in for it.
  private pulled = false;

  constructor(
    private readonly batches: Batches,
    private readonly releaseUnread?: () => void,
  ) {}

  next(): Promise<PartResult> {
    if (this.busy === undefined && this.index < this.batch.length) {
      return Promise.resolve({ value: this.batch[this.index++]!, done: false });
    }
    return this.queue(() => this.refill());
  }

  return(value?: void | PromiseLike<void>): Promise<PartResult> {
    return this.queue(() => {
      this.batch = NO_PARTS;
      if (!this.pulled) this.releaseUnread?.();
      // Once returned, the batch generator yields nothing more: its result has no batch.
      return this.batches.return(value) as Promise<PartResult>;
    });
  }

  throw(error: unknown): Promise<PartResult> {
    return this.queue(() => {
      this.batch = NO_PARTS;
      if (!this.pulled) this.releaseUnread?.();
      return this.batches.throw(error) as Promise<PartResult>;
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async refill(): Promise<PartResult> {
    // A call queued behind a refill takes the parts that refill brought.
    if (this.index < this.batch.length) return { value: this.batch[this.index++]!, done: false };
    this.pulled = true;
    const result = await this.batches.next();
    if (result.done) return result;
    // The batch generator yields only non-empty batches.
    this.batch = result.value;
    this.index = 1;
    return { value: result.value[0]!, done: false };
  }

  private queue(step: () => Promise<PartResult>): Promise<PartResult> {
    const previous = this.busy;
    const run = previous === undefined ? step() : previous.then(step, step);
    this.busy = run;
    const settle = () => {
      if (this.busy === run) this.busy = undefined;
    };
    run.then(settle, settle);
    return run;
  }
}
