/**
 * Loom's one cancellation primitive: the gateway's client going away, a deadline, a kernel stop
 * and an attempt's timers all abort one of these, and it reaches a provider's upstream request
 * as `CallContext.signal`. Its `AbortSignal` is made only when someone reads `signal`: Loom's own
 * HTTP providers never do (see `cancellationOf`), and waits inside the kernel use `onAbort`.
 */
export class Cancellation {
  aborted = false;
  /** Why it was aborted; undefined until then. */
  reason: unknown;
  private controller?: AbortController;
  private callbacks?: Array<(reason: unknown) => void>;

  /** An `AbortSignal` that aborts with this, with the same reason. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts once: the signal (if made) and every `onAbort` callback; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    if (callbacks) for (const callback of callbacks) callback(reason);
  }

  /**
   * Calls `callback` when this aborts (not if it already has: check `aborted` first); returns a
   * function that unregisters it.
   */
  onAbort(callback: (reason: unknown) => void): () => void {
    if (!this.callbacks) this.callbacks = [];
    this.callbacks.push(callback);
    return () => {
      const callbacks = this.callbacks;
      if (!callbacks) return;
      const index = callbacks.indexOf(callback);
      if (index >= 0) callbacks.splice(index, 1);
    };
  }

  /** Throws the reason once aborted, as `AbortSignal.throwIfAborted` does. */
  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }
}
