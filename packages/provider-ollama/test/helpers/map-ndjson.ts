import { Readable } from 'node:stream';
import type { ChatRequest, ChatStreamPart } from '@loom/core';
import {
  type NdjsonMapper,
  readNdjsonStream,
  roughTokenCount,
  type TransportScope,
  watchStream,
} from '@loom/provider-utils';
import { ChatStreamMapper, type ChatStreamOptions } from '../../src/chat/chat-stream-mapper.js';

/** A mapper as `doStream` makes one, without credentials, counting tokens roughly. */
export function chatStreamMapper(
  request: ChatRequest,
  options: Partial<ChatStreamOptions> = {},
): ChatStreamMapper {
  return new ChatStreamMapper({
    request,
    provider: 'ollama',
    secrets: [],
    count: roughTokenCount,
    ...options,
  });
}

/** The parts `doStream` yields for a body of these bytes, read by the shared NDJSON reader. */
export async function mapNdjson(body: string, mapper: NdjsonMapper): Promise<ChatStreamPart[]> {
  const readable = Readable.from([Buffer.from(body)], { objectMode: false });
  const limits = { headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };
  const transport: TransportScope = {
    provider: 'ollama',
    url: 'http://127.0.0.1:11434/api/chat',
    secrets: [],
    signal: new AbortController().signal,
    headersPhase: 'first-chunk',
    ...limits,
  };
  const watchdog = watchStream(readable, {
    firstChunkMs: limits.headersTimeoutMs,
    idleMs: limits.bodyTimeoutMs,
    provider: 'ollama',
  });
  const parts: ChatStreamPart[] = [];
  const stream = readNdjsonStream({ body: readable, watchdog, transport }, mapper, '"done": true');
  for await (const part of stream) parts.push(part);
  return parts;
}
