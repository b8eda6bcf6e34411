import { MalformedResponseError, ModelNotFoundError, ProviderCallError } from '@loom/core';
import { mapHttpError, parseJsonErrorBody, type UpstreamFailure } from '@loom/provider-utils';
import { readFixture, readJsonFixture } from '@loom/testkit/fixtures';
import { describe, expect, it } from 'vitest';
import { mapChatResponse, mapModelList } from '../src/compatible/index.js';
import { mapSseText } from './fixture-stream.js';
import { rejectionOf } from './helpers.js';

const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };
const context = { providerId: 'openai', providerType: 'openai', request };

describe('response mapper on OpenAI fixtures', () => {
  it('maps a chat completion', () => {
    expect(mapChatResponse(readJsonFixture('openai/chat-completion.json'), context)).toStrictEqual({
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      model: 'gpt-4o-mini-2024-07-18',
      message: { role: 'assistant', content: 'Hello! How can I assist you today?' },
      finishReason: 'stop',
      usage: {
        inputTokens: 19,
        outputTokens: 10,
        totalTokens: 29,
        cachedInputTokens: 0,
        reasoningTokens: 0,
        estimated: false,
      },
    });
  });

  it('maps a tool-call completion', () => {
    const response = mapChatResponse(
      readJsonFixture('openai/chat-completion-tool-call.json'),
      context,
    );
    expect(response.message).toStrictEqual({
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'call_abc123',
          name: 'get_current_weather',
          arguments: '{"location":"Boston, MA"}',
        },
      ],
    });
    expect(response.finishReason).toBe('tool_calls');
  });

  it('estimates usage when the upstream reports none, and says so', () => {
    const body = readJsonFixture<Record<string, unknown>>('openai/chat-completion.json');
    const response = mapChatResponse({ ...body, usage: undefined }, context);
    expect(response.usage.estimated).toBe(true);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
    expect(response.usage.totalTokens).toBe(
      response.usage.inputTokens + response.usage.outputTokens,
    );
  });

  it('refuses a body without choices', () => {
    expect(() => mapChatResponse({ id: 'x', choices: [] }, context)).toThrow(
      MalformedResponseError,
    );
  });
});

describe('stream mapper on OpenAI fixtures', () => {
  it.each([1, 7, 64, 4096])('maps chat-stream.txt read in %i-byte chunks', async (chunkSize) => {
    const parts = await mapSseText(readFixture('openai/chat-stream.txt'), { chunkSize });
    const usage = {
      inputTokens: 9,
      outputTokens: 2,
      totalTokens: 11,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      estimated: false,
    };
    expect(parts).toStrictEqual([
      {
        type: 'response-metadata',
        id: 'chatcmpl-BjGwWPbfIdQWkrqDjSBb8XVTqcN7h',
        model: 'gpt-4o-mini-2024-07-18',
      },
      { type: 'text-delta', delta: 'Hello' },
      { type: 'text-delta', delta: '!' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop', usage },
    ]);
  });

  it('maps streamed tool-call deltas', async () => {
    const parts = await mapSseText(readFixture('openai/chat-stream-tool-call.txt'));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas[0]).toStrictEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
      name: 'get_current_weather',
    });
    const args = deltas.map((part) => part.argumentsDelta ?? '').join('');
    expect(JSON.parse(args)).toEqual({ location: 'Paris' });
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
    // No usage chunk (no include_usage): the finish carries an estimate, flagged as one.
    expect(finish?.type === 'finish' && finish.usage?.estimated).toBe(true);
  });

  it('throws the in-band error after delivering the text before it', async () => {
    const parts: string[] = [];
    const error = await rejectionOf(
      mapSseText(readFixture('openai/chat-stream-error.txt')).then((all) => {
        parts.push(...all.map((part) => part.type));
      }),
    );
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'provider_error', isRetryable: true });
    expect((error as Error).message).toContain('The server had an error');
  });

  it('treats a body without [DONE] as cut', async () => {
    const text = readFixture('openai/chat-stream.txt').replace('data: [DONE]', '');
    const error = await rejectionOf(mapSseText(text));
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('[DONE]');
  });

  it('accepts a last [DONE] without its blank line', async () => {
    const text = readFixture('openai/chat-stream.txt').trimEnd();
    const parts = await mapSseText(text);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });
});

describe('error fixtures', () => {
  const scope = { provider: 'openai', url: 'u', model: 'gpt-4o-mini', secrets: [] };
  const failureOf = (path: string, status: number): UpstreamFailure => {
    const text = readFixture(path);
    return { status, headers: {}, text, error: parseJsonErrorBody(JSON.parse(text)) };
  };

  it.each([
    ['openai/error-400.json', 400, 'bad_request'],
    ['openai/error-400-context-length.json', 400, 'context_length_exceeded'],
    ['openai/error-401.json', 401, 'authentication_failed'],
    ['openai/error-429-rate-limit.json', 429, 'rate_limited'],
    ['openai/error-429-insufficient-quota.json', 429, 'insufficient_quota'],
    ['openai/error-500.json', 500, 'provider_error'],
    ['openai/error-502.json', 502, 'provider_error'],
    ['openai/error-503.json', 503, 'provider_unavailable'],
  ])('%s -> %s', (path, status, code) => {
    const error = mapHttpError(failureOf(path, status), scope);
    expect(error).toMatchObject({ code, statusCode: status });
    expect(error.message).toContain(failureOf(path, status).error?.message?.slice(0, 20));
  });

  it('openai/error-404-model.json -> ModelNotFoundError', () => {
    expect(
      ModelNotFoundError.isInstance(
        mapHttpError(failureOf('openai/error-404-model.json', 404), scope),
      ),
    ).toBe(true);
  });
});

describe('model list fixture', () => {
  it('maps models.json with guessed capabilities', () => {
    expect(mapModelList(readJsonFixture('openai/models.json'), undefined)).toStrictEqual([
      { id: 'gpt-4o-mini', ownedBy: 'system', capabilities: { chat: true, streaming: true } },
      { id: 'text-embedding-3-small', ownedBy: 'system', capabilities: { embeddings: true } },
    ]);
  });
});
