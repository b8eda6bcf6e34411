import type { CallContext, ChatRequest, ChatResponse, ProviderStreamResult } from '@loom/core';
import {
  callCancel,
  loadTokenCounter,
  openStream,
  readNdjsonStream,
  sendJson,
} from '@loom/provider-utils';
import { firstTokenClient } from '../http/first-token-client.js';
import { markAnswered, type OllamaRuntime } from '../ollama-runtime.js';
import { ChatStreamMapper } from './chat-stream-mapper.js';
import { fromOllamaResponse } from './from-ollama-response.js';
import { toOllamaChatRequest } from './to-ollama-request.js';

function chatBody(runtime: OllamaRuntime, request: ChatRequest, stream: boolean) {
  const defaults = runtime.keepAlive === undefined ? {} : { keepAlive: runtime.keepAlive };
  return toOllamaChatRequest(request, stream, defaults);
}

/** `doChat`: `POST /api/chat` with `stream: false`. */
export async function chat(
  runtime: OllamaRuntime,
  request: ChatRequest,
  context: CallContext,
): Promise<ChatResponse> {
  // The kernel's Cancellation when there is one: no AbortSignal is made for the call.
  const cancel = callCancel(context);
  if (cancel.aborted) throw cancel.reason;
  const { http, provider } = runtime;
  const body = chatBody(runtime, request, false);
  const answer = await sendJson(firstTokenClient(http, runtime.state, request.model), {
    method: 'POST',
    path: http.paths.chat,
    body: JSON.stringify(body),
    auth: http.post,
    signal: cancel,
    model: request.model,
  });
  const response = await fromOllamaResponse(answer, request, {
    provider,
    secrets: http.post.secrets,
  });
  markAnswered(runtime, request.model, body.keep_alive);
  return response;
}

/** `doStream`: `POST /api/chat` streamed as NDJSON; resolves once the server accepted it. */
export async function stream(
  runtime: OllamaRuntime,
  request: ChatRequest,
  context: CallContext,
): Promise<ProviderStreamResult> {
  const cancel = callCancel(context);
  if (cancel.aborted) throw cancel.reason;
  const { http, provider } = runtime;
  const body = chatBody(runtime, request, true);
  // Usage is mapped synchronously at the final line: the tokenizer (for a server that leaves its
  // counts out) loads while the request is under way, once per process.
  const counter = loadTokenCounter();
  const open = await openStream(firstTokenClient(http, runtime.state, request.model), {
    method: 'POST',
    path: http.paths.chat,
    body: JSON.stringify(body),
    auth: http.post,
    signal: cancel,
    model: request.model,
  });
  const mapper = new ChatStreamMapper({
    request,
    provider,
    secrets: http.post.secrets,
    count: await counter,
    onDone: () => markAnswered(runtime, request.model, body.keep_alive),
  });
  return { stream: readNdjsonStream(open, mapper, '"done": true') };
}
