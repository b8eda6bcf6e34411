/**
 * The fields of a `LoomError` that events and hooks expose, so contracts do not depend on the
 * error classes (two copies of core may be loaded).
 */
export interface LoomErrorLike extends Error {
  /** Stable machine-readable code (`rate_limited`, `invalid_request`, ...). */
  readonly code: string;
  /** Whether another attempt (here or on another deployment) may succeed. */
  readonly isRetryable: boolean;
  /** HTTP status that best describes the error. */
  readonly statusCode?: number;
  /** How long the upstream asked to wait before retrying, in milliseconds. */
  readonly retryAfterMs?: number;
  /** Provider id the error came from, when it came from one. */
  readonly provider?: string;
}
