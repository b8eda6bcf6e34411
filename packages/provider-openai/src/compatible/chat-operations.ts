import {
  type CallContext,
  type ChatRequest,
  type ChatResponse,
  type ChatStreamPart,
  MalformedResponseError,
  type ProviderStreamResult,
} from '@loom/core';
import type { Dispatcher } from 'undici';
import type { CallAuth } from './auth-headers.js';
import { createChatStreamMapper } from './chat-stream-mapper.js';
import { type CompatibleRuntime, errorScope, transportScope } from './compatible-runtime.js';
import { isRecord } from './guards.js';
import { mapChatRequest } from './map-chat-request.js';
import { mapChatResponse } from './map-chat-response.js';
import { mapInBandError } from './map-http-error.js';
import { mapTransportError, type TransportScope } from './map-transport-error.js';
import { estimateInputTokens } from './map-usage.js';
import { readChatStream } from './read-chat-stream.js';
import { readText } from './read-text.js';
import { responseToParts } from './response-to-parts.js';
import { readFailure, sendJson } from './send-json.js';
import { type StreamWatchdog, watchStream } from './stream-watchdog.js';
import { throwIfAborted } from './undici-abort.js';

/** `doChat`: one non-streamed completion. */
export async function chat(
  runtime: CompatibleRuntime,
  request: ChatRequest,
  context: CallContext,
): Promise<ChatResponse> {
  // The kernel's CallAbort when there is one: no AbortSignal is made for the call.
  const cancel = context.abort ?? context.signal;
  throwIfAborted(cancel);
  const pending = runtime.auth();
  const auth = 'then' in pending ? await pending : pending;
  const body = JSON.stringify(mapChatRequest(request, runtime.mapping, false));
  const json = await sendJson(runtime, auth, {
    method: 'POST',
    path: runtime.paths.chat,
    body,
    signal: cancel,
    model: request.model,
  });
  return mapChatResponse(json, {
    providerId: runtime.id,
    providerType: runtime.type,
    request,
  });
}

/** Reads a one-body answer to a stream request; an `{"error"}` body is an in-band error. */
async function readWholeAnswer(
  runtime: CompatibleRuntime,
  response: Dispatcher.ResponseData,
  request: ChatRequest,
  transport: TransportScope,
  watchdog: StreamWatchdog,
): Promise<ChatResponse> {
  let text: string;
  try {
    text = await readText(response.body);
  } catch (error) {
    throw mapTransportError(error, transport);
  } finally {
    watchdog.stop();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedResponseError({ provider: runtime.id, message: 'the answer is not JSON.' });
  }
  if (isRecord(json) && json.error != null) {
    throw mapInBandError(runtime.parseErrorBody(json) ?? {}, transport);
  }
  return mapChatResponse(json, { providerId: runtime.id, providerType: runtime.type, request });
}

async function* fromArray(
  parts: ChatStreamPart[],
): AsyncGenerator<ChatStreamPart, void, undefined> {
  yield* parts;
}

/** `doStream`: resolves once the upstream accepted the request (headers arrived). */
export async function stream(
  runtime: CompatibleRuntime,
  request: ChatRequest,
  context: CallContext,
): Promise<ProviderStreamResult> {
  const { signal } = context;
  signal.throwIfAborted();
  const pending = runtime.auth();
  const auth: CallAuth = 'then' in pending ? await pending : pending;
  const startedAt = performance.now();
  const body = JSON.stringify(mapChatRequest(request, runtime.mapping, true));
  const path = runtime.paths.chat;
  const scope = errorScope(runtime, path, auth, request.model);
  const transport = transportScope(runtime, scope, signal, 'first-chunk');
  let response: Dispatcher.ResponseData;
  try {
    response = await runtime.client.send({
      method: 'POST',
      path,
      headers: auth.headers,
      body,
      signal,
      stream: true,
    });
    if (response.statusCode >= 300) throw await readFailure(runtime, response, scope, signal);
  } catch (error) {
    throw mapTransportError(error, transport);
  }
  const elapsed = performance.now() - startedAt;
  const watchdog = watchStream(response.body, {
    firstChunkMs: Math.max(1, Math.round(runtime.headersTimeoutMs - elapsed)),
    idleMs: runtime.bodyTimeoutMs,
    provider: runtime.id,
  });
  if (String(response.headers['content-type'] ?? '').includes('application/json')) {
    // The server ignored `stream: true` and answered with one body.
    const answer = await readWholeAnswer(runtime, response, request, transport, watchdog);
    return { stream: fromArray(responseToParts(answer)) };
  }
  const mapper = createChatStreamMapper({
    scope,
    parseErrorBody: runtime.parseErrorBody,
    estimateInputTokens: () => estimateInputTokens(request),
  });
  return { stream: readChatStream(response.body, mapper, watchdog, transport) };
}
