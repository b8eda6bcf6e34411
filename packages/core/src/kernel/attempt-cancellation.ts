import { Cancellation } from '../cancel/cancellation.js';

/**
 * One attempt's cancellation: aborted with its request, or alone when one of its timers fires
 * (attempt, first chunk, idle), so a timed-out attempt can fail over while the request goes on.
 */
export class AttemptCancellation extends Cancellation {
  private timer?: ReturnType<typeof setTimeout>;
  private readonly detach: () => void;

  constructor(parent: Cancellation) {
    super();
    if (parent.aborted) {
      this.abort(parent.reason);
      this.detach = () => {};
    } else {
      this.detach = parent.onAbort((reason) => this.abort(reason));
    }
  }

  /** Aborts with `reason()` after `ms`, replacing any timer set before. */
  arm(ms: number | undefined, reason: () => unknown): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (ms === undefined || ms <= 0 || this.aborted) return;
    this.timer = setTimeout(() => this.abort(reason()), ms);
    this.timer.unref?.();
  }

  /** Stops timers and unlinks from the request; call when the attempt is over. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.detach();
  }
}
