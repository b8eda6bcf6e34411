import type { LoomErrorLike } from '../spec/plugin/v1/loom-error-like.js';

const marker = Symbol.for('loom.error');

/** Constructor options shared by every Loom error. */
export interface LoomErrorOptions {
  /** What was wrong and what to do about it. */
  message: string;
  /** Stable machine-readable code. */
  code: string;
  /** Whether another attempt (here or on another deployment) may succeed. Default false. */
  isRetryable?: boolean;
  /** HTTP status that best describes the error. */
  statusCode?: number;
  /** How long to wait before retrying, in milliseconds. */
  retryAfterMs?: number;
  /** Provider id the error came from. */
  provider?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** Checks a marker symbol that survives two copies of this package in one process. */
export function hasMarker(value: unknown, symbol: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[symbol] === true
  );
}

/**
 * The base of every error Loom raises. The router reads only `isRetryable` and `retryAfterMs`;
 * the gateway maps `statusCode` and `code` to OpenAI's error shape. Use `LoomError.isInstance`
 * rather than `instanceof`: a plugin may be bundled with its own copy of core.
 */
export class LoomError extends Error implements LoomErrorLike {
  readonly [marker] = true;
  readonly code: string;
  readonly isRetryable: boolean;
  readonly statusCode?: number;
  readonly retryAfterMs?: number;
  readonly provider?: string;

  constructor(options: LoomErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoomError';
    this.code = options.code;
    this.isRetryable = options.isRetryable ?? false;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.provider !== undefined) this.provider = options.provider;
  }

  /** True for any Loom error, from any copy of `@loom/core`. */
  static isInstance(error: unknown): error is LoomError {
    return hasMarker(error, marker);
  }

  /** A plain object for logs and JSON APIs; never includes the cause's stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      isRetryable: this.isRetryable,
      statusCode: this.statusCode,
      retryAfterMs: this.retryAfterMs,
      provider: this.provider,
    };
  }
}
