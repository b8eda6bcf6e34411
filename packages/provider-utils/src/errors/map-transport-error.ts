import {
  ConnectionError,
  LoomError,
  ProviderCallError,
  TimeoutError,
  type TimeoutPhase,
} from '@loom/core';
import type { CallCancel } from '../http/undici-abort.js';
import type { ErrorScope } from './map-http-error.js';
import { safeCause, safeText } from './redact.js';

/** What a transport failure is judged against. */
export interface TransportScope extends ErrorScope {
  /** The caller's cancellation: once it fired, its reason is the only answer. */
  signal: CallCancel;
  /** The phase a headers timeout stands for: `attempt` (non-stream) or `first-chunk` (stream). */
  headersPhase: TimeoutPhase;
  /** Limit for response headers, milliseconds. */
  headersTimeoutMs: number;
  /** Limit for silence between body chunks, milliseconds. */
  bodyTimeoutMs: number;
}

// undici and Node codes for a peer that cannot be reached or went away.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * The error's code, or the first known one among its causes and, for an `AggregateError` (a
 * connection tried on several addresses), its errors: a dispatcher may wrap the socket's error.
 */
function errorCode(error: unknown): string | undefined {
  const pending: unknown[] = [error];
  for (let seen = 0; seen < 8 && pending.length > 0; seen++) {
    const next = pending.shift() as { code?: unknown; cause?: unknown; errors?: unknown } | null;
    const code = next?.code;
    if (typeof code === 'string' && (seen === 0 || CONNECTION_CODES.has(code))) return code;
    if (next?.cause !== undefined) pending.push(next.cause);
    if (Array.isArray(next?.errors)) pending.push(...next.errors);
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * What to throw for a failure of the HTTP exchange itself (no usable status): the caller's abort
 * reason, a `TimeoutError` for the phase that ran out, or a `ConnectionError`. Loom errors raised
 * by Loom's own watchdogs pass through unchanged.
 */
export function mapTransportError(error: unknown, scope: TransportScope): unknown {
  if (scope.signal.aborted) return scope.signal.reason;
  if (LoomError.isInstance(error)) return error;
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new TimeoutError({
      phase: scope.headersPhase,
      timeoutMs: scope.headersTimeoutMs,
      provider: scope.provider,
    });
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new TimeoutError({
      phase: 'idle',
      timeoutMs: scope.bodyTimeoutMs,
      provider: scope.provider,
    });
  }
  const cause = safeCause(error, scope.secrets);
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return new ConnectionError({ provider: scope.provider, url: scope.url, cause });
  }
  return new ProviderCallError({
    provider: scope.provider,
    message: `the HTTP request failed: ${safeText(cause.message, scope.secrets)}`,
    url: scope.url,
    cause,
  });
}
