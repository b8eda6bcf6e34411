import type { ChatStreamPart } from '@loom/core';
import { sleep, throwIfAborted, waitForAbort } from '../internal/sleep.js';
import { resolveError } from './mock-steps.js';
import type { StreamPlan } from './stream-plan.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Plays a `StreamPlan` as an async iterator. Hand-written rather than an async generator:
 * a generator's `return()` waits for a pending `next()`, so a stalled stream could not be
 * released by a consumer that stops reading.
 */
export class MockPartIterator implements AsyncIterableIterator<ChatStreamPart> {
  private index = 0;
  private finished = false;
  private released = false;
  // Every wait listens to this one signal; it fires on caller abort and on release.
  private readonly local = new AbortController();
  private readonly forwardAbort = () => this.local.abort(this.signal.reason);

  constructor(
    private readonly plan: StreamPlan,
    private readonly signal: AbortSignal,
    private readonly onEnd: () => void,
  ) {
    if (signal.aborted) this.forwardAbort();
    else signal.addEventListener('abort', this.forwardAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ChatStreamPart, undefined>> {
    if (this.finished) return DONE;
    try {
      const part = await this.produce();
      if (part === undefined) {
        this.end();
        return DONE;
      }
      return { done: false, value: part };
    } catch (error) {
      this.end();
      if (this.released) return DONE;
      throw error;
    }
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.released = true;
    this.end();
    return DONE;
  }

  private async produce(): Promise<ChatStreamPart | undefined> {
    const { plan, index } = this;
    const signal = this.local.signal;
    throwIfAborted(signal);
    if (plan.stallAfter !== undefined && index >= plan.stallAfter) await waitForAbort(signal);
    await sleep(index === 0 ? plan.firstChunkDelayMs : plan.chunkDelayMs, signal);
    if (plan.failAfter && index >= plan.failAfter.chunks) throw resolveError(plan.failAfter.error);
    const part = plan.parts[index];
    if (part !== undefined) this.index += 1;
    return part;
  }

  private end(): void {
    if (this.finished) return;
    this.finished = true;
    this.signal.removeEventListener('abort', this.forwardAbort);
    // Wakes a pending wait so a released stream leaves no timer behind.
    if (!this.local.signal.aborted) this.local.abort(new Error('stream released'));
    this.onEnd();
  }
}
