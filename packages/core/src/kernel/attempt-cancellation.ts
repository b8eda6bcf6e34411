import { Cancellation } from '../cancel/cancellation.js';

/**
 * One attempt's cancellation: aborted with its request, or alone when one of its timers fires
 * (attempt, first chunk, idle), so a timed-out attempt can fail over while the request goes on.
 */
export class AttemptCancellation extends Cancellation {
  private timer?: ReturnType<typeof setTimeout>;
  /** When the running timer fires (`performance.now()` time). */
  private timerAt = Number.POSITIVE_INFINITY;
  /** When the attempt aborts unless re-armed; infinite while disarmed. */
  private deadline = Number.POSITIVE_INFINITY;
  private reasonOf: () => unknown = () => undefined;
  private readonly detach: () => void;
  private readonly fire = () => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const left = this.deadline - performance.now();
    if (left === Number.POSITIVE_INFINITY) return;
    if (left > 0) this.schedule(left);
    else this.abort(this.reasonOf());
  };

  constructor(parent: Cancellation) {
    super();
    if (parent.aborted) {
      this.abort(parent.reason);
      this.detach = () => {};
    } else {
      this.detach = parent.onAbort((reason) => this.abort(reason));
    }
  }

  /**
   * Aborts with `reason()` after `ms`, replacing the deadline set before; `undefined` disarms.
   * A stream re-arms once per chunk, so a timer due no later than the new deadline is kept and
   * checks the deadline when it fires: a timer per stream, not one per chunk.
   */
  arm(ms: number | undefined, reason: () => unknown): void {
    if (ms === undefined || ms <= 0 || this.aborted) {
      this.deadline = Number.POSITIVE_INFINITY;
      return;
    }
    this.deadline = performance.now() + ms;
    this.reasonOf = reason;
    if (this.timerAt <= this.deadline) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(ms);
  }

  /** Stops timers and unlinks from the request; call when the attempt is over. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.deadline = Number.POSITIVE_INFINITY;
    this.detach();
  }

  private schedule(ms: number): void {
    this.timerAt = performance.now() + ms;
    // Timers count from the event loop's cached time and may fire a little before the deadline
    // by this clock: `fire` then waits out the rest.
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(ms)));
    this.timer.unref?.();
  }
}
