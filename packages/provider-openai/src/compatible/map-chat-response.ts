import {
  type ChatRequest,
  type ChatResponse,
  type JSONObject,
  MalformedResponseError,
  type ToolCall,
} from '@loom/core';
import { estimatedUsage, estimateInputTokens, isRecord } from '@loom/provider-utils';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';

/** Who answered what, for mapping a response. */
export interface ResponseContext {
  /** Provider id, for errors. */
  providerId: string;
  /** Provider type: the key of `providerMetadata`. */
  providerType: string;
  /** The request the response answers. */
  request: ChatRequest;
}

function malformed(context: ResponseContext, message: string): MalformedResponseError {
  return new MalformedResponseError({ provider: context.providerId, message });
}

/** Tool calls of a response message; servers that omit ids get positional ones. */
export function mapToolCalls(value: unknown, context: ResponseContext): ToolCall[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((call: unknown, index): ToolCall => {
    const target = isRecord(call) ? call.function : undefined;
    if (
      !isRecord(call) ||
      !isRecord(target) ||
      typeof target.name !== 'string' ||
      target.name === ''
    ) {
      throw malformed(context, `tool call #${index} has no function name.`);
    }
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`;
    const args =
      typeof target.arguments === 'string'
        ? target.arguments
        : JSON.stringify(target.arguments ?? {});
    return { id, name: target.name, arguments: args };
  });
}

function metadata(message: Record<string, unknown>): JSONObject | undefined {
  const facts: JSONObject = {};
  if (typeof message.refusal === 'string') facts.refusal = message.refusal;
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string') facts.reasoning = reasoning;
  return Object.keys(facts).length ? facts : undefined;
}

/**
 * A Chat Completions body as Loom's `ChatResponse`. Checks by hand rather than with a schema:
 * this runs on every call, and only the fields read here must be right.
 */
export function mapChatResponse(body: unknown, context: ResponseContext): ChatResponse {
  const choice = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = isRecord(choice) ? choice.message : undefined;
  if (!isRecord(body) || !isRecord(choice) || !isRecord(message)) {
    throw malformed(context, 'the completion has no choices[0].message.');
  }
  const content = typeof message.content === 'string' ? message.content : null;
  const toolCalls = mapToolCalls(message.tool_calls, context);
  const usage =
    mapUsage(body.usage) ??
    estimatedUsage(
      estimateInputTokens(context.request),
      (content?.length ?? 0) +
        (toolCalls?.reduce((sum, call) => sum + call.arguments.length, 0) ?? 0),
    );
  const response: ChatResponse = {
    model: typeof body.model === 'string' ? body.model : context.request.model,
    message: toolCalls ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content },
    finishReason: mapFinishReason(choice.finish_reason),
    usage,
  };
  if (typeof body.id === 'string') response.id = body.id;
  const facts = metadata(message);
  if (facts) response.providerMetadata = { [context.providerType]: facts };
  return response;
}
