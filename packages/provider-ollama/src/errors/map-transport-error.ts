import { ConnectionError, type LoomError, ProviderCallError } from '@loom/core';
import { type Redact, safeCause } from './redactor.js';

/** Codes undici and Node use when the connection failed or broke, not the server's answer. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    // Node wraps happy-eyeballs failures in an AggregateError with the real ones inside.
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner)) codes.push(...inner.flatMap((each) => codesOf(each)));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Maps a failure of the HTTP exchange itself (refused, reset, closed pool) to a `LoomError`:
 * connection problems are `ConnectionError`s, anything else a retryable `ProviderCallError`.
 */
export function mapTransportError(
  error: unknown,
  options: { provider: string; url: string; redact: Redact },
): LoomError {
  const cause = safeCause(error, options.redact);
  const url = options.redact(options.url);
  if (codesOf(error).some((code) => CONNECTION_CODES.has(code))) {
    return new ConnectionError({ provider: options.provider, url, cause });
  }
  return new ProviderCallError({
    provider: options.provider,
    message: `request to ${url} failed: ${cause?.message ?? 'unknown error'}`,
    url,
    cause,
  });
}
