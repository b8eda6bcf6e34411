import { EventEmitter } from 'node:events';
import { type CallContext, type Cancellation, cancellationOf } from '@loom/core';

/** What a call's cancellation is judged by: its signal, or the kernel's `Cancellation` behind it. */
export type CallCancel = AbortSignal | Cancellation;

/**
 * undici takes an event emitter as a request's `signal` (it adds one `abort` listener, reads
 * `aborted` and `reason`, and removes the listener when done): over the kernel's `Cancellation`
 * that needs no `AbortSignal`, which the `bench:abort` bench shows is the dearer part.
 */
class CancellationEmitter extends EventEmitter {
  private unregister: (() => void) | undefined;

  constructor(private readonly cancellation: Cancellation) {
    super();
  }

  get aborted(): boolean {
    return this.cancellation.aborted;
  }

  get reason(): unknown {
    return this.cancellation.reason;
  }

  override addListener(_event: 'abort', listener: () => void): this {
    this.unregister?.();
    this.unregister = this.cancellation.onAbort(() => listener());
    return this;
  }

  override on(event: 'abort', listener: () => void): this {
    return this.addListener(event, listener);
  }

  override once(event: 'abort', listener: () => void): this {
    return this.addListener(event, listener);
  }

  override removeListener(_event: 'abort', _listener: () => void): this {
    this.unregister?.();
    this.unregister = undefined;
    return this;
  }
}

/** The `signal` to hand undici for a call's cancellation. */
export function undiciSignal(cancel: CallCancel): AbortSignal | EventEmitter {
  return cancel instanceof AbortSignal ? cancel : new CancellationEmitter(cancel);
}

/** Throws the reason when the call was already abandoned (`signal.throwIfAborted()`). */
export function throwIfAborted(cancel: CallCancel): void {
  if (cancel.aborted) throw cancel.reason;
}

/** The cheapest cancellation a call context offers: the kernel's `Cancellation`, else its signal. */
export function callCancel(context: CallContext): CallCancel {
  return cancellationOf(context) ?? context.signal;
}
