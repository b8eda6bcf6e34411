/**
 * A live load reading from the upstream itself (for example vLLM's `/metrics`), so the router can
 * prefer the least busy server. Every field is optional: report what the upstream exposes.
 */
export interface LoadSignal {
  /** When the reading was taken, epoch milliseconds. */
  observedAt: number;
  /** Requests being generated now. */
  running?: number;
  /** Requests queued and not yet started. */
  waiting?: number;
  /** Fraction of the KV cache in use, 0 to 1. */
  kvCacheUsage?: number;
}
