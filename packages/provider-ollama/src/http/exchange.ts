import { TimeoutError, type TimeoutPhase } from '@loom/core';

/**
 * One HTTP exchange's cancellation: a controller the request listens to, aborted by the caller's
 * signal (with the caller's reason) or by this exchange's own clock (with a `TimeoutError`).
 * Whatever undici throws after an abort, `reason` says what really happened.
 */
export class Exchange {
  readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort: () => void;

  constructor(
    private readonly caller: AbortSignal,
    private readonly provider: string,
  ) {
    this.onCallerAbort = () => this.controller.abort(caller.reason);
    if (caller.aborted) this.controller.abort(caller.reason);
    else caller.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** The signal to hand to undici. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the exchange was aborted, or undefined while it runs. */
  get reason(): unknown {
    return this.controller.signal.aborted ? this.controller.signal.reason : undefined;
  }

  /** Starts (or restarts) the clock: after `timeoutMs` without `disarm()`, the exchange aborts. */
  arm(phase: TimeoutPhase, timeoutMs: number): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.controller.abort(new TimeoutError({ phase, timeoutMs, provider: this.provider }));
    }, timeoutMs);
    // A pending upstream call should not keep a process alive on its own.
    this.timer.unref?.();
  }

  /** Stops the clock. */
  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops the clock and forgets the caller's signal; call once the exchange is over. */
  release(): void {
    this.disarm();
    this.caller.removeEventListener('abort', this.onCallerAbort);
  }
}
