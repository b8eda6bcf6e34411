import { Readable } from 'node:stream';
import type { ChatRequest, ChatStreamPart } from '@loom/core';
import { type ErrorBodyParser, parseJsonErrorBody, readSseStream } from '@loom/provider-utils';
import { createChatStreamMapper } from '../src/compatible/index.js';

const quietWatchdog = { onData() {}, onEvent() {}, onDone() {}, stop() {} };

/** Splits text into `size`-byte buffers, cutting through lines and multi-byte characters. */
function chunksOf(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    chunks.push(bytes.subarray(offset, offset + size));
  }
  return chunks;
}

interface SseOptions {
  /** Bytes per body read; default 7 (cutting through lines and characters). */
  chunkSize?: number;
  parseErrorBody?: ErrorBodyParser;
  request?: ChatRequest;
}

/** The real stream reader and mapper over an SSE body (a fixture's text). */
export function readSseText(
  text: string,
  options: SseOptions = {},
): AsyncGenerator<ChatStreamPart, void, undefined> {
  const body = Readable.from(chunksOf(text, options.chunkSize ?? 7));
  const scope = { provider: 'openai', url: 'http://127.0.0.1/v1/chat/completions', secrets: [] };
  const request = options.request ?? { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  const mapper = createChatStreamMapper({
    scope,
    parseErrorBody: options.parseErrorBody ?? parseJsonErrorBody,
    estimateInputTokens: () => request.messages.length * 4,
  });
  const transport = {
    ...scope,
    signal: new AbortController().signal,
    headersPhase: 'first-chunk' as const,
    headersTimeoutMs: 1_000,
    bodyTimeoutMs: 1_000,
  };
  return readSseStream({ body, watchdog: quietWatchdog, transport }, mapper);
}

/** Runs an SSE body (a fixture's text) through the real stream reader and mapper. */
export async function mapSseText(
  text: string,
  options: SseOptions = {},
): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of readSseText(text, options)) parts.push(part);
  return parts;
}
