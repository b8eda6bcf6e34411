import type { ChatResponse, ChatStreamPart, ResponseMetadataPart } from '@loom/core';

/**
 * A whole response as stream parts, for servers that answer a stream request with one JSON body
 * (some compatible servers ignore `stream: true`).
 */
export function responseToParts(response: ChatResponse): ChatStreamPart[] {
  const metadata: ResponseMetadataPart = { type: 'response-metadata', model: response.model };
  if (response.id !== undefined) metadata.id = response.id;
  const parts: ChatStreamPart[] = [metadata];
  const { content, toolCalls } = response.message;
  if (content) parts.push({ type: 'text-delta', delta: content });
  toolCalls?.forEach((call, index) => {
    parts.push({
      type: 'tool-call-delta',
      index,
      id: call.id,
      name: call.name,
      argumentsDelta: call.arguments,
    });
  });
  if (!response.usage.estimated) parts.push({ type: 'usage', usage: response.usage });
  parts.push({ type: 'finish', finishReason: response.finishReason, usage: response.usage });
  return parts;
}
