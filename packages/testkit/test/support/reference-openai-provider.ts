import {
  type ChatStreamPart,
  type FinishReason,
  MalformedResponseError,
  type ProviderV1,
  type Usage,
} from '@loom/core';
import type { UpstreamTimeouts } from '../../src/conformance/upstream/upstream-harness.js';
import { inBandError, parseOrThrow } from './reference-errors.js';
import { bodyChunks, open, type ReferenceCall, readJson } from './reference-http.js';

type Json = Record<string, unknown>;
const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
};

function usageOf(value: unknown): Usage | undefined {
  const usage = value as { prompt_tokens?: number; completion_tokens?: number } | null | undefined;
  if (typeof usage?.prompt_tokens !== 'number' || typeof usage.completion_tokens !== 'number')
    return undefined;
  const { prompt_tokens: input, completion_tokens: output } = usage;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    estimated: false,
  };
}

/** SSE `data:` payloads, a chunk of text at a time. */
async function* sseEvents(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += chunk;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter((line) => line.startsWith('data:'));
      if (data.length) yield data.map((line) => line.slice(5).trim()).join('\n');
      end = buffer.indexOf('\n\n');
    }
  }
}

/**
 * A small but correct provider for OpenAI-compatible wires (OpenAI, vLLM), used only to prove
 * that the upstream conformance checks pass on a provider that follows the brief.
 */
export function createReferenceOpenAIProvider(
  baseURL: string,
  timeouts: UpstreamTimeouts,
): ProviderV1 {
  const id = 'reference-openai';
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
  const wireBody = (request: { model: string; messages: unknown[] }, stream: boolean) => ({
    model: request.model,
    messages: request.messages,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

  async function* parts(
    request: ReferenceCall,
    opened: Awaited<ReturnType<typeof open>>,
  ): AsyncGenerator<ChatStreamPart> {
    let finishReason: FinishReason | undefined;
    let usage: Usage | undefined;
    for await (const data of sseEvents(bodyChunks(request, opened))) {
      if (data === '[DONE]') {
        yield {
          type: 'finish',
          finishReason: finishReason ?? 'other',
          ...(usage ? { usage } : {}),
        };
        return;
      }
      const chunk = parseOrThrow(id, data);
      if (chunk.error) throw inBandError(id, data);
      usage = usageOf(chunk.usage) ?? usage;
      const choice = (chunk.choices as Json[] | undefined)?.[0];
      const content = (choice?.delta as Json | undefined)?.content;
      if (typeof content === 'string' && content !== '')
        yield { type: 'text-delta', delta: content };
      if (typeof choice?.finish_reason === 'string')
        finishReason = FINISH[choice.finish_reason] ?? 'other';
    }
    throw new MalformedResponseError({ provider: id, message: 'the stream ended without [DONE]' });
  }

  return {
    specificationVersion: 'v1',
    id,
    type: 'openai',
    async doListModels({ signal }) {
      const request = call('/models', signal, '');
      const body = await readJson(request, await open(request));
      return ((body.data as Json[]) ?? []).map((model) => ({
        id: String(model.id),
        capabilities: { chat: true },
      }));
    },
    async doChat(chatRequest, context) {
      const request = call(
        '/chat/completions',
        context.signal,
        chatRequest.model,
        wireBody(chatRequest, false),
      );
      const body = await readJson(request, await open(request));
      const choice = (body.choices as Json[] | undefined)?.[0];
      const message = choice?.message as Json | undefined;
      return {
        model: String(body.model),
        message: { role: 'assistant', content: (message?.content as string | null) ?? null },
        finishReason: FINISH[String(choice?.finish_reason)] ?? 'other',
        usage: usageOf(body.usage) ?? {
          inputTokens: 0,
          outputTokens: 0,
          totalTokens: 0,
          estimated: true,
        },
      };
    },
    async doStream(chatRequest, context) {
      const request = call(
        '/chat/completions',
        context.signal,
        chatRequest.model,
        wireBody(chatRequest, true),
        true,
      );
      const opened = await open(request);
      return { stream: parts(request, opened) };
    },
    async doHealth({ signal }) {
      const request = call('/models', signal, '');
      try {
        (await open(request)).release();
        return { status: 'up', checkedAt: Date.now() };
      } catch (error) {
        // A cancelled check is the caller's doing, not the upstream's health.
        if (signal.aborted) throw signal.reason;
        return { status: 'down', checkedAt: Date.now(), message: (error as Error).message };
      }
    },
  };
}
