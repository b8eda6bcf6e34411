import {
  errorScope,
  mapTransportError,
  type ResponseHeaders,
  readFailure,
  readText,
  transportScope,
} from '@loom/provider-utils';
import type { Dispatcher } from 'undici';
import type { CompatibleRuntime } from './compatible-runtime.js';

/** An upstream answer read to its end. */
export interface UpstreamResponse {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: ResponseHeaders;
  /** The body as text. */
  text: string;
}

/**
 * The HTTP side of an OpenAI-compatible provider, for the extra operations a provider adds
 * (vLLM's `/health` and `/metrics`): same pool, headers, timeouts and error mapping.
 */
export interface OpenAICompatibleClient {
  /** Provider id, for errors and reports. */
  readonly providerId: string;
  /** Upstream origin, `http://host:port`. */
  readonly origin: string;
  /**
   * `GET` of a path from the origin (`/health`, not under the API prefix). Resolves with any
   * status; rejects with a `LoomError` when no answer came, or with the abort reason.
   */
  get(path: string, options: { signal: AbortSignal }): Promise<UpstreamResponse>;
  /**
   * Like `get`, but a non-2xx answer rejects with the `LoomError` the error table prescribes.
   */
  getOk(path: string, options: { signal: AbortSignal }): Promise<UpstreamResponse>;
}

async function send(runtime: CompatibleRuntime, path: string, signal: AbortSignal, ok: boolean) {
  signal.throwIfAborted();
  const auth = await runtime.auth();
  const { client } = runtime;
  const scope = errorScope(client, path, auth.secrets);
  try {
    const response: Dispatcher.ResponseData = await client.http.send({
      method: 'GET',
      path,
      headers: auth.headers,
      signal,
    });
    if (ok && response.statusCode >= 300) {
      throw await readFailure(client, response, scope, signal);
    }
    const text = await readText(response.body);
    return { status: response.statusCode, headers: response.headers, text };
  } catch (error) {
    throw mapTransportError(error, transportScope(client, scope, signal, 'attempt'));
  }
}

/** The client view of a runtime. */
export function createCompatibleClient(runtime: CompatibleRuntime): OpenAICompatibleClient {
  return {
    providerId: runtime.id,
    origin: runtime.client.http.origin,
    get: (path, { signal }) => send(runtime, path, signal, false),
    getOk: (path, { signal }) => send(runtime, path, signal, true),
  };
}
