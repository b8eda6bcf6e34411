import { ConnectionError, LoomError, MalformedResponseError, TimeoutError } from '@loom/core';
import type { UpstreamTimeouts } from '../../src/conformance/upstream/upstream-harness.js';
import { statusError } from './reference-errors.js';

/** One HTTP exchange of a reference provider. */
export interface ReferenceCall {
  provider: string;
  url: string;
  body?: unknown;
  signal: AbortSignal;
  timeouts: UpstreamTimeouts;
  stream: boolean;
  model: string;
}

/** An open response: its body reader, and an abort that releases the connection. */
export interface OpenResponse {
  response: Response;
  release: () => void;
}

/**
 * Sends the request and waits for headers within `headersTimeoutMs`. Refusals and resets become
 * ConnectionError, the timeout TimeoutError, the caller's abort its reason, error statuses mapped.
 */
export async function open(call: ReferenceCall): Promise<OpenResponse> {
  if (call.signal.aborted) throw call.signal.reason;
  const controller = new AbortController();
  const onAbort = () => controller.abort(call.signal.reason);
  // The caller's signal keeps reaching the body until the response is released.
  call.signal.addEventListener('abort', onAbort, { once: true });
  const release = () => {
    call.signal.removeEventListener('abort', onAbort);
    controller.abort(new Error('released'));
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('headers timeout'));
  }, call.timeouts.headersTimeoutMs);
  try {
    const response = await fetch(call.url, {
      method: call.body === undefined ? 'GET' : 'POST',
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      headers: { 'content-type': 'application/json' },
      signal: controller.signal,
    });
    if (!response.ok) {
      const text = await response.text();
      throw statusError(call.provider, response.status, text, response.headers, call.model);
    }
    return { response, release };
  } catch (error) {
    release();
    if (LoomError.isInstance(error)) throw error;
    if (call.signal.aborted) throw call.signal.reason;
    const phase = call.stream ? 'first-chunk' : 'attempt';
    if (timedOut)
      throw new TimeoutError({
        phase,
        timeoutMs: call.timeouts.headersTimeoutMs,
        provider: call.provider,
      });
    throw new ConnectionError({ provider: call.provider, url: call.url, cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The body as text chunks, each read within `bodyTimeoutMs` (else TimeoutError `idle`). The
 * connection is released when the consumer stops.
 */
export async function* bodyChunks(
  call: ReferenceCall,
  opened: OpenResponse,
): AsyncGenerator<string> {
  const reader = opened.response.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new TimeoutError({
                phase: 'idle',
                timeoutMs: call.timeouts.bodyTimeoutMs,
                provider: call.provider,
              }),
            ),
          call.timeouts.bodyTimeoutMs,
        );
      });
      const result = await Promise.race([reader.read(), idle])
        .catch((error: unknown) => {
          if (LoomError.isInstance(error)) throw error;
          if (call.signal.aborted) throw call.signal.reason;
          throw new ConnectionError({ provider: call.provider, url: call.url, cause: error });
        })
        .finally(() => clearTimeout(timer));
      if (result.done) return;
      yield decoder.decode(result.value, { stream: true });
    }
  } finally {
    opened.release();
    reader.cancel().catch(() => {});
  }
}

/** The whole body as parsed JSON. */
export async function readJson(
  call: ReferenceCall,
  opened: OpenResponse,
): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of bodyChunks(call, opened)) text += chunk;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new MalformedResponseError({
      provider: call.provider,
      message: 'body is not JSON',
      cause,
    });
  }
}
