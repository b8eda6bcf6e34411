/**
 * The cancellation of one call without an AbortSignal: Node 20 spends about 5 us creating a
 * signal and as much on each listener, which an HTTP client that takes an event emitter (undici
 * does) never needs.
 */
export interface CallAbort {
  /** Whether the attempt was abandoned. */
  readonly aborted: boolean;
  /** Why, once `aborted`. */
  readonly reason: unknown;
  /**
   * Calls `callback` when the attempt is abandoned (not if it already was: check `aborted`
   * first); returns a function that unregisters it.
   */
  onAbort(callback: (reason: unknown) => void): () => void;
}

/** What the kernel passes to every provider call besides the request. */
export interface CallContext {
  /**
   * Aborted when the attempt is abandoned: caller gone, timeout, kernel stopping. A provider must
   * pass it to its upstream request so the upstream stops work, and must reject promptly with
   * the signal's reason once it fires.
   */
  signal: AbortSignal;
  /**
   * The same cancellation as `signal`, given by Loom's kernel: a provider may use it instead, and
   * then no AbortSignal is made for the call (`signal` is created when first read).
   */
  abort?: CallAbort;
  /** Kernel request id, for logs and upstream correlation headers. */
  requestId: string;
  /** Attempt number within the request, from 1. */
  attempt: number;
}
