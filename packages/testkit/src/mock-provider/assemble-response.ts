import {
  type ChatResponse,
  type ChatStreamPart,
  MalformedResponseError,
  type ToolCall,
} from '@loom/core';

/**
 * Folds stream parts into one response, as a provider does when the upstream only streams. A
 * stream without its finish part was cut, which is a malformed response, never a short answer.
 */
export function assembleResponse(
  parts: readonly ChatStreamPart[],
  options: { providerId: string; model: string; id: string },
): ChatResponse {
  let text = '';
  let model = options.model;
  let id = options.id;
  const calls = new Map<number, ToolCall>();
  for (const part of parts) {
    if (part.type === 'text-delta') text += part.delta;
    else if (part.type === 'response-metadata') {
      model = part.model ?? model;
      id = part.id ?? id;
    } else if (part.type === 'tool-call-delta') {
      const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
      call.id = part.id ?? call.id;
      call.name = part.name ?? call.name;
      call.arguments += part.argumentsDelta ?? '';
      calls.set(part.index, call);
    }
  }
  const finish = parts.findLast((part) => part.type === 'finish');
  if (finish?.type !== 'finish') {
    throw new MalformedResponseError({
      provider: options.providerId,
      message: 'the stream ended without a finish part',
    });
  }
  const usage = finish.usage ?? parts.findLast((part) => part.type === 'usage')?.usage;
  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return {
    id,
    model,
    message: {
      role: 'assistant',
      content: text === '' && toolCalls.length > 0 ? null : text,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    },
    finishReason: finish.finishReason,
    usage: usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0, estimated: true },
  };
}
