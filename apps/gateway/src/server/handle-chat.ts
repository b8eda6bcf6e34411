import type { ChatResponse } from '@loom/core';
import { formatChatCompletion } from '../wire/format-chat-completion.js';
import { parseChatRequest } from '../wire/parse-chat-request.js';
import { withCaller } from './caller-metadata.js';
import type { GatewayContext } from './gateway-context.js';
import { loomHeaders } from './loom-headers.js';
import { assertModelAllowed } from './model-access.js';
import { applyChatLimits } from './request-limits.js';
import type { Exchange } from './route-request.js';
import { sendJson } from './send.js';
import { recordServed, recordUsage } from './served-record.js';
import { streamChat } from './stream-chat.js';

/** The answer as text for prompt logging: the content, or the tool calls made. */
function answerText(response: ChatResponse): string {
  const calls = response.message.toolCalls;
  if (calls?.length) return JSON.stringify(calls);
  return response.message.content ?? '';
}

/** `POST /v1/chat/completions`: one completion as JSON, or an SSE stream when asked. */
export async function handleChat(
  context: GatewayContext,
  body: unknown,
  exchange: Exchange,
): Promise<void> {
  const { response, requestId, record } = exchange;
  const parsed = applyChatLimits(parseChatRequest(body), body, context.limits);
  record.requestedModel = parsed.request.model;
  record.stream = parsed.stream;
  assertModelAllowed(exchange.caller, parsed.request.model);
  const metadata = withCaller(parsed.request.metadata, exchange.caller);
  if (metadata) parsed.request.metadata = metadata;
  if (context.logPrompts) record.prompt = (body as { messages: unknown }).messages;
  const meta = {
    id: `chatcmpl-${requestId}`,
    model: parsed.request.model,
    created: context.nowSeconds(),
  };
  if (parsed.stream) {
    const { cancellation } = exchange;
    await streamChat(context, parsed, { response, requestId, cancellation, meta, record });
    return;
  }
  const answer = await context.kernel.chat(parsed.request, {
    cancellation: exchange.cancellation,
    requestId,
  });
  const served = {
    deployment: answer.loom.deployment,
    attempts: answer.loom.attempts,
    cached: answer.loom.cached === true,
  };
  recordServed(record, served);
  recordUsage(record, answer.usage);
  if (context.logPrompts) record.answer = answerText(answer);
  const costMicros = context.requestCost?.(requestId);
  const headers = loomHeaders({ requestId, ...served, costMicros });
  sendJson(response, 200, formatChatCompletion(answer, meta), headers);
}
