import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.provider_call');

/**
 * Codes a provider maps upstream failures to. Open to provider-specific codes; the router's
 * decisions rest on `isRetryable`, `retryAfterMs` and these well-known ones.
 */
export type ProviderErrorCode =
  | 'rate_limited'
  | 'insufficient_quota'
  | 'authentication_failed'
  | 'permission_denied'
  | 'context_length_exceeded'
  | 'content_filter'
  | 'provider_unavailable'
  | 'bad_request'
  | 'provider_error'
  | (string & {});

/** Statuses after which another attempt may succeed: timeouts, conflicts, limits, server faults. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Options for `ProviderCallError`. */
export interface ProviderCallErrorOptions {
  /** Provider id. */
  provider: string;
  /** What failed, from the upstream's own message where it has one. */
  message: string;
  /** Loom code for the failure; default `provider_error`. */
  code?: ProviderErrorCode;
  /** HTTP status the upstream answered with, when it answered. */
  upstreamStatus?: number;
  /** The upstream's own error code or type (`model_not_found`, `1003`). */
  upstreamCode?: string;
  /** Override the status-based default. */
  isRetryable?: boolean;
  /** Upstream's requested wait, milliseconds. */
  retryAfterMs?: number;
  /** Request URL, without query secrets. */
  url?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * An upstream answered with an error, or failed in a way the provider recognised. `statusCode`
 * is the upstream's status (502 when there was none).
 */
export class ProviderCallError extends LoomError {
  readonly [marker] = true;
  readonly upstreamStatus?: number;
  readonly upstreamCode?: string;
  readonly url?: string;

  constructor(options: ProviderCallErrorOptions) {
    const status = options.upstreamStatus;
    super({
      code: options.code ?? 'provider_error',
      statusCode: status ?? 502,
      isRetryable: options.isRetryable ?? (status === undefined ? true : isRetryableStatus(status)),
      retryAfterMs: options.retryAfterMs,
      provider: options.provider,
      cause: options.cause,
      message: `Provider '${options.provider}'${status ? ` answered ${status}` : ' failed'}: ${options.message}`,
    });
    this.name = 'ProviderCallError';
    if (status !== undefined) this.upstreamStatus = status;
    if (options.upstreamCode !== undefined) this.upstreamCode = options.upstreamCode;
    if (options.url !== undefined) this.url = options.url;
  }

  static override isInstance(error: unknown): error is ProviderCallError {
    return hasMarker(error, marker);
  }
}
