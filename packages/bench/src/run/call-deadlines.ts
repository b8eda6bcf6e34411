import { Cancellation } from '@loom/core';
import { nowMs } from '../clock.js';
import { RequestTimeoutError } from '../targets/bench-errors.js';

/**
 * One call's cancellation: aborted at its deadline unless it finished first. `signal` is made
 * only when a target reads it; a target that takes the `Cancellation` itself makes none.
 */
export class CallDeadline extends Cancellation {
  done = false;

  constructor(readonly deadline: number) {
    super();
  }

  override abort(reason: unknown): void {
    if (!this.done) super.abort(reason);
  }
}

/**
 * The per-request timeouts of a run with one timer. Every call gets the same timeout from the
 * moment it is sent, so deadlines come in send order: a queue whose head is the next to expire.
 * A timer and an AbortController per request were a tenth of the load generator's CPU, and on a
 * two-core machine that is taken from what it measures.
 */
export class CallDeadlines {
  private queue: CallDeadline[] = [];
  private head = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** A deadline for a call sent now; `finish` it when the call settles. */
  start(): CallDeadline {
    const call = new CallDeadline(nowMs() + this.timeoutMs);
    this.queue.push(call);
    if (!this.timer) this.arm(this.timeoutMs);
    return call;
  }

  finish(call: CallDeadline): void {
    call.done = true;
    this.dropSettled();
  }

  /** Stops the timer; calls still in flight keep running without a deadline. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dropSettled(): void {
    while (this.head < this.queue.length && (this.queue[this.head] as CallDeadline).done)
      this.head += 1;
    // Compact now and then rather than shift per call (shift is O(n) on a long queue).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private arm(delayMs: number): void {
    // Not unref'd: an in-process target that hangs holds no handle, and the run must still end.
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.ceil(delayMs)));
  }

  private expire(): void {
    this.timer = undefined;
    const now = nowMs();
    while (this.head < this.queue.length) {
      const call = this.queue[this.head] as CallDeadline;
      if (!call.done && call.deadline > now) break;
      this.head += 1;
      if (!call.done) call.abort(new RequestTimeoutError(this.timeoutMs));
    }
    this.dropSettled();
    const next = this.queue[this.head];
    if (next) this.arm(next.deadline - now);
  }
}
