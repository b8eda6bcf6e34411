import type { CallContext, EmbedRequest, EmbedResponse } from '@loom/core';
import { callCancel, sendJson } from '@loom/provider-utils';
import { firstTokenClient } from '../http/first-token-client.js';
import { markAnswered, type OllamaRuntime } from '../ollama-runtime.js';
import { fromOllamaEmbedResponse, toOllamaEmbedRequest } from './embed.js';

/** `doEmbed`: `POST /api/embed`, one vector per input. */
export async function embed(
  runtime: OllamaRuntime,
  request: EmbedRequest,
  context: CallContext,
): Promise<EmbedResponse> {
  const cancel = callCancel(context);
  if (cancel.aborted) throw cancel.reason;
  const { http } = runtime;
  const body = toOllamaEmbedRequest(request, runtime.keepAlive);
  const answer = await sendJson(firstTokenClient(http, runtime.state, request.model), {
    method: 'POST',
    path: http.paths.embed,
    body: JSON.stringify(body),
    auth: http.post,
    signal: cancel,
    model: request.model,
  });
  const response = await fromOllamaEmbedResponse(answer, request, runtime.provider);
  markAnswered(runtime, request.model, body.keep_alive);
  return response;
}
