/** What the kernel passes to every provider call besides the request. */
export interface CallContext {
  /**
   * Aborted when the attempt is abandoned: caller gone, timeout, kernel stopping. A provider must
   * pass it to its upstream request so the upstream stops work, and must reject promptly with
   * the signal's reason once it fires.
   */
  signal: AbortSignal;
  /** Kernel request id, for logs and upstream correlation headers. */
  requestId: string;
  /** Attempt number within the request, from 1. */
  attempt: number;
}
