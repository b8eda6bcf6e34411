import { Readable } from 'node:stream';
import { type ChatStreamPart, ModelNotFoundError, ProviderCallError } from '@loom/core';
import { createChatStreamMapper, mapModelList } from '@loom/provider-openai/compatible';
import { mapHttpError, readSseStream } from '@loom/provider-utils';
import { readFixture, readJsonFixture } from '@loom/testkit/fixtures';
import { describe, expect, it } from 'vitest';
import { parseVllmErrorBody, parseVllmMetrics } from '../src/index.js';
import { rejectionOf } from './helpers.js';

const scope = {
  provider: 'vllm',
  url: 'http://127.0.0.1:8000/v1/chat/completions',
  model: 'meta-llama/Llama-3.3-70B-Instruct',
  secrets: [],
};

async function mapStream(text: string): Promise<ChatStreamPart[]> {
  const mapper = createChatStreamMapper({
    scope,
    parseErrorBody: parseVllmErrorBody,
    estimateInputTokens: () => 1,
  });
  const watchdog = { onData() {}, onEvent() {}, onDone() {}, stop() {} };
  const transport = {
    ...scope,
    signal: new AbortController().signal,
    headersPhase: 'first-chunk' as const,
    headersTimeoutMs: 1_000,
    bodyTimeoutMs: 1_000,
  };
  const body = Readable.from([Buffer.from(text, 'utf8')]);
  const parts: ChatStreamPart[] = [];
  for await (const part of readSseStream({ body, watchdog, transport }, mapper)) parts.push(part);
  return parts;
}

function mapFixtureError(path: string, status: number) {
  const text = readFixture(path);
  const error = parseVllmErrorBody(JSON.parse(text));
  return mapHttpError({ status, headers: {}, text, error }, scope);
}

describe('vLLM error fixtures', () => {
  it.each([
    ['vllm/error-400.json', 400, 'bad_request'],
    ['vllm/error-400-context-length.json', 400, 'context_length_exceeded'],
    ['vllm/error-400-legacy.json', 400, 'context_length_exceeded'],
    ['vllm/error-401.json', 401, 'authentication_failed'],
  ])('%s -> %s', (path, status, code) => {
    const error = mapFixtureError(path, status);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code, statusCode: status });
  });

  it('reads the integer code and the legacy top-level form', () => {
    expect(parseVllmErrorBody(readJsonFixture('vllm/error-400.json'))).toEqual({
      message: 'Bad Request',
      type: 'BadRequestError',
      code: 400,
    });
    expect(parseVllmErrorBody(readJsonFixture('vllm/error-400-legacy.json'))).toMatchObject({
      type: 'BadRequestError',
      code: 400,
    });
    expect(parseVllmErrorBody(readJsonFixture('vllm/error-404-route.json'))).toEqual({
      message: 'Not Found',
    });
  });

  it('vllm/error-404.json -> ModelNotFoundError', () => {
    expect(ModelNotFoundError.isInstance(mapFixtureError('vllm/error-404.json', 404))).toBe(true);
  });
});

describe('vLLM stream fixtures', () => {
  it('maps chat-stream.txt, usage without details', async () => {
    const parts = await mapStream(readFixture('vllm/chat-stream.txt'));
    const usage = { inputTokens: 42, outputTokens: 2, totalTokens: 44, estimated: false };
    expect(parts).toStrictEqual([
      {
        type: 'response-metadata',
        id: 'chatcmpl-2b7d8e9f0a1b4c2d8e3f4a5b6c7d8e9f',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
      },
      { type: 'text-delta', delta: 'Hello' },
      { type: 'text-delta', delta: '!' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop', usage },
    ]);
  });

  it('throws the in-band error with its integer code, despite the [DONE] after it', async () => {
    const error = await rejectionOf(mapStream(readFixture('vllm/chat-stream-error.txt')));
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'provider_error', isRetryable: true, upstreamCode: '500' });
    expect((error as Error).message).toContain('EngineCore encountered an issue');
  });
});

describe('vLLM model list and metrics fixtures', () => {
  it('reads max_model_len as the context window', () => {
    expect(mapModelList(readJsonFixture('vllm/models.json'), undefined)).toStrictEqual([
      {
        id: 'meta-llama/Llama-3.1-8B-Instruct',
        contextWindow: 8192,
        ownedBy: 'vllm',
        capabilities: { chat: true, streaming: true },
      },
    ]);
  });

  it('reads the load gauges from metrics.txt', () => {
    expect(parseVllmMetrics(readFixture('vllm/metrics.txt'), 5)).toEqual({
      observedAt: 5,
      running: 2,
      waiting: 0,
      kvCacheUsage: 0.0421,
    });
  });
});
