import { LoomError } from '@loom/core';

/** An HTTP answer with an error status, carrying the OpenAI error `code` when the body had one. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** A stream that broke: an in-band error, a malformed chunk, or an end with no `[DONE]`. */
export class StreamBrokenError extends Error {
  constructor(
    readonly kind: 'stream_error' | 'malformed_chunk' | 'stream_cut',
    message: string,
  ) {
    super(message);
    this.name = 'StreamBrokenError';
  }
}

/** The runner's per-request timeout fired. */
export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

// Node and undici name the same event differently depending on timing (a reset before the
// response may surface as ECONNRESET or as undici's UND_ERR_SOCKET): one class each.
const CONNECTION_CLASSES: Record<string, string> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ETIMEDOUT: 'connect_timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
};

/**
 * A short, stable class for a failed call, used as the key of the error counts:
 * `http_429` or `http_429:rate_limit_exceeded`, `timeout`, `connection_reset`,
 * `connection_refused`, `connect_timeout`,
 * `stream_cut`, `loom:no_healthy_provider`, or `other:<ErrorName>`.
 */
export function classifyError(error: unknown): string {
  if (error instanceof RequestTimeoutError) return 'timeout';
  if (error instanceof HttpStatusError) {
    return error.code ? `http_${error.status}:${error.code}` : `http_${error.status}`;
  }
  if (error instanceof StreamBrokenError) return error.kind;
  if (LoomError.isInstance(error)) {
    return error.statusCode ? `loom:${error.code}:${error.statusCode}` : `loom:${error.code}`;
  }
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  const connection = code === undefined ? undefined : CONNECTION_CLASSES[code];
  if (connection) return connection;
  if (code) return `other:${code}`;
  return `other:${error instanceof Error ? error.name : typeof error}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
