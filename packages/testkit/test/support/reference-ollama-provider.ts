import {
  type ChatStreamPart,
  MalformedResponseError,
  type ProviderV1,
  type Usage,
} from '@loom/core';
import type { UpstreamTimeouts } from '../../src/conformance/upstream/upstream-harness.js';
import { inBandError, parseOrThrow } from './reference-errors.js';
import { bodyChunks, open, type ReferenceCall, readJson } from './reference-http.js';

type Json = Record<string, unknown>;

function usageOf(body: Json): Usage {
  const input = typeof body.prompt_eval_count === 'number' ? body.prompt_eval_count : 0;
  const output = typeof body.eval_count === 'number' ? body.eval_count : 0;
  const estimated =
    typeof body.prompt_eval_count !== 'number' || typeof body.eval_count !== 'number';
  return { inputTokens: input, outputTokens: output, totalTokens: input + output, estimated };
}

/** NDJSON lines, a chunk of text at a time. */
async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += chunk;
    const complete = buffer.split('\n');
    buffer = complete.pop() ?? '';
    for (const line of complete) if (line.trim()) yield line;
  }
}

/** A small but correct Ollama provider, used only to prove the upstream checks pass. */
export function createReferenceOllamaProvider(
  baseURL: string,
  timeouts: UpstreamTimeouts,
): ProviderV1 {
  const id = 'reference-ollama';
  const call = (
    path: string,
    signal: AbortSignal,
    model: string,
    body?: unknown,
    stream = false,
  ): ReferenceCall => ({
    provider: id,
    url: `${baseURL}${path}`,
    body,
    signal,
    timeouts,
    stream,
    model,
  });

  async function* parts(
    request: ReferenceCall,
    opened: Awaited<ReturnType<typeof open>>,
  ): AsyncGenerator<ChatStreamPart> {
    for await (const line of lines(bodyChunks(request, opened))) {
      const chunk = parseOrThrow(id, line);
      if (chunk.error !== undefined) throw inBandError(id, line);
      const content = (chunk.message as Json | undefined)?.content;
      if (typeof content === 'string' && content !== '')
        yield { type: 'text-delta', delta: content };
      if (chunk.done === true) {
        yield {
          type: 'finish',
          finishReason: chunk.done_reason === 'length' ? 'length' : 'stop',
          usage: usageOf(chunk),
        };
        return;
      }
    }
    throw new MalformedResponseError({
      provider: id,
      message: 'the stream ended without done: true',
    });
  }

  return {
    specificationVersion: 'v1',
    id,
    type: 'ollama',
    async doListModels({ signal }) {
      const request = call('/api/tags', signal, '');
      const body = await readJson(request, await open(request));
      return ((body.models as Json[]) ?? []).map((model) => ({
        id: String(model.name),
        capabilities: { chat: true },
      }));
    },
    async doChat(chatRequest, context) {
      const payload = { model: chatRequest.model, messages: chatRequest.messages, stream: false };
      const request = call('/api/chat', context.signal, chatRequest.model, payload);
      const body = await readJson(request, await open(request));
      const message = body.message as Json | undefined;
      return {
        model: String(body.model),
        message: { role: 'assistant', content: (message?.content as string | undefined) ?? null },
        finishReason: body.done_reason === 'length' ? 'length' : 'stop',
        usage: usageOf(body),
      };
    },
    async doStream(chatRequest, context) {
      const payload = { model: chatRequest.model, messages: chatRequest.messages };
      const request = call('/api/chat', context.signal, chatRequest.model, payload, true);
      const opened = await open(request);
      return { stream: parts(request, opened) };
    },
    async doHealth({ signal }) {
      const request = call('/api/version', signal, '');
      try {
        await readJson(request, await open(request));
        return { status: 'up', checkedAt: Date.now() };
      } catch (error) {
        // A cancelled check is the caller's doing, not the upstream's health.
        if (signal.aborted) throw signal.reason;
        return { status: 'down', checkedAt: Date.now(), message: (error as Error).message };
      }
    },
  };
}
