import type { Readable } from 'node:stream';
import type { ErrorScope } from '../errors/map-http-error.js';
import { mapTransportError, type TransportScope } from '../errors/map-transport-error.js';
import {
  errorScope,
  type JsonCall,
  type JsonClient,
  readFailure,
  transportScope,
} from '../http/json-client.js';
import type { ResponseHeaders } from '../http/retry-after.js';
import { throwIfAborted } from '../http/undici-abort.js';
import { type StreamWatchdog, watchStream } from './stream-watchdog.js';

/** A streamed answer the upstream accepted (2xx), its body not read yet. */
export interface OpenStream {
  /** The response body; hand it to `readSseStream` or `readNdjsonStream`. */
  body: Readable;
  /** Response headers. */
  headers: ResponseHeaders;
  /** Times the body: first event within the headers limit, then no silence past the body limit. */
  watchdog: StreamWatchdog;
  /** What the readers map transport failures with. */
  transport: TransportScope;
  /** What in-band errors are mapped with (`mapInBandError`). */
  scope: ErrorScope;
}

/**
 * Sends a streamed request and resolves once the upstream accepted it. A non-2xx answer, a
 * refused connection or no headers in time reject with the right `LoomError`; the time limit
 * for headers (`first-chunk`) runs on until the first event arrives.
 */
export async function openStream(client: JsonClient, call: JsonCall): Promise<OpenStream> {
  throwIfAborted(call.signal);
  const startedAt = performance.now();
  const scope = errorScope(client, call.path, call.auth.secrets, call.model);
  const transport = transportScope(client, scope, call.signal, 'first-chunk');
  let response: Awaited<ReturnType<JsonClient['http']['send']>>;
  try {
    response = await client.http.send({
      method: call.method,
      path: call.path,
      headers: call.auth.headers,
      body: call.body,
      signal: call.signal,
      stream: true,
    });
    if (response.statusCode >= 300) throw await readFailure(client, response, scope, call.signal);
  } catch (error) {
    throw mapTransportError(error, transport);
  }
  const elapsed = performance.now() - startedAt;
  const watchdog = watchStream(response.body, {
    firstChunkMs: Math.max(1, Math.round(client.headersTimeoutMs - elapsed)),
    idleMs: client.bodyTimeoutMs,
    provider: client.provider,
  });
  return { body: response.body, headers: response.headers, watchdog, transport, scope };
}
