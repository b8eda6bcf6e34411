import {
  type CallContext,
  type ChatRequest,
  type ChatResponse,
  type ChatStreamPart,
  MalformedResponseError,
  type ProviderStreamResult,
} from '@loom/core';
import {
  callCancel,
  estimateInputTokens,
  isRecord,
  mapInBandError,
  mapTransportError,
  type OpenStream,
  openStream,
  readSseStream,
  readText,
  sendJson,
} from '@loom/provider-utils';
import type { CallAuth } from './auth-headers.js';
import { createChatStreamMapper } from './chat-stream-mapper.js';
import type { CompatibleRuntime } from './compatible-runtime.js';
import { mapChatRequest } from './map-chat-request.js';
import { mapChatResponse } from './map-chat-response.js';
import { responseToParts } from './response-to-parts.js';

/** `doChat`: one non-streamed completion. */
export async function chat(
  runtime: CompatibleRuntime,
  request: ChatRequest,
  context: CallContext,
): Promise<ChatResponse> {
  // The kernel's Cancellation when there is one: no AbortSignal is made for the call.
  const cancel = callCancel(context);
  if (cancel.aborted) throw cancel.reason;
  const pending = runtime.auth();
  const auth = 'then' in pending ? await pending : pending;
  const body = JSON.stringify(mapChatRequest(request, runtime.mapping, false));
  const json = await sendJson(runtime.client, {
    method: 'POST',
    path: runtime.paths.chat,
    body,
    auth,
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
  open: OpenStream,
  request: ChatRequest,
): Promise<ChatResponse> {
  let text: string;
  try {
    text = await readText(open.body);
  } catch (error) {
    throw mapTransportError(error, open.transport);
  } finally {
    open.watchdog.stop();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedResponseError({ provider: runtime.id, message: 'the answer is not JSON.' });
  }
  if (isRecord(json) && json.error != null) {
    throw mapInBandError(runtime.client.parseErrorBody(json) ?? {}, open.transport);
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
  const cancel = callCancel(context);
  if (cancel.aborted) throw cancel.reason;
  const pending = runtime.auth();
  const auth: CallAuth = 'then' in pending ? await pending : pending;
  const body = JSON.stringify(mapChatRequest(request, runtime.mapping, true));
  const open = await openStream(runtime.client, {
    method: 'POST',
    path: runtime.paths.chat,
    body,
    auth,
    signal: cancel,
    model: request.model,
  });
  if (String(open.headers['content-type'] ?? '').includes('application/json')) {
    // The server ignored `stream: true` and answered with one body.
    const answer = await readWholeAnswer(runtime, open, request);
    return { stream: fromArray(responseToParts(answer)) };
  }
  const mapper = createChatStreamMapper({
    scope: open.scope,
    parseErrorBody: runtime.client.parseErrorBody,
    estimateInputTokens: () => estimateInputTokens(request),
  });
  return { stream: readSseStream(open, mapper) };
}
