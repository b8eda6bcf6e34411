import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatChatCompletion } from '../wire/format-chat-completion.js';
import { parseChatRequest } from '../wire/parse-chat-request.js';
import { clientGoneSignal } from './call-signal.js';
import type { GatewayContext } from './gateway-context.js';
import { loomHeaders } from './loom-headers.js';
import { sendJson } from './send.js';
import { streamChat } from './stream-chat.js';

/** `POST /v1/chat/completions`: one completion as JSON, or an SSE stream when asked. */
export async function handleChat(
  context: GatewayContext,
  body: unknown,
  exchange: { request: IncomingMessage; response: ServerResponse; requestId: string },
): Promise<void> {
  const { response, requestId } = exchange;
  const parsed = parseChatRequest(body);
  const signal = clientGoneSignal(response);
  const meta = {
    id: `chatcmpl-${requestId}`,
    model: parsed.request.model,
    created: context.nowSeconds(),
  };
  if (parsed.stream) {
    await streamChat(context, parsed, { response, requestId, signal, meta });
    return;
  }
  const answer = await context.kernel.chat(parsed.request, { signal, requestId });
  const headers = loomHeaders({
    requestId,
    deployment: answer.loom.deployment,
    attempts: answer.loom.attempts,
    cached: answer.loom.cached === true,
  });
  sendJson(response, 200, formatChatCompletion(answer, meta), headers);
}
