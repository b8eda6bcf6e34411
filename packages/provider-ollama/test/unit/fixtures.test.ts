import {
  chatResponseSchema,
  chatStreamPartSchema,
  embedResponseSchema,
  ModelNotFoundError,
  modelInfoSchema,
  ProviderCallError,
} from '@loom/core';
import { errorScope, failureOf } from '@loom/provider-utils';
import { readFixture, readJsonFixture } from '@loom/testkit/fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { fromOllamaResponse } from '../../src/chat/from-ollama-response.js';
import { fromOllamaEmbedResponse } from '../../src/embed/embed.js';
import { createOllamaHttp } from '../../src/http/ollama-http.js';
import { modelsOf, toModelInfo } from '../../src/models/list-models.js';
import { ModelState } from '../../src/models/model-state.js';
import { resolveOllamaSettings } from '../../src/settings/resolve-settings.js';
import { chatStreamMapper, mapNdjson } from '../helpers/map-ndjson.js';

// The testkit's fixtures of Ollama's documented wire shapes, fed through the mappers as bytes.
const request = {
  model: 'llama3.2',
  messages: [{ role: 'user' as const, content: 'why is the sky blue?' }],
};
const context = { provider: 'ollama', secrets: [] };
const http = createOllamaHttp(resolveOllamaSettings({}, {}), {});
afterAll(() => http.close());

function streamParts(fixture: string) {
  return mapNdjson(readFixture(fixture), chatStreamMapper(request));
}

function mapStatus(status: number, body: string, model: string) {
  const scope = errorScope(http.warm, http.paths.chat, [], model);
  return failureOf(http.warm, status, {}, body, scope);
}

describe('Ollama fixtures through the mappers', () => {
  it('ollama/chat.json', async () => {
    const response = await fromOllamaResponse(
      readJsonFixture('ollama/chat.json'),
      request,
      context,
    );
    expect(chatResponseSchema.safeParse(response).success).toBe(true);
    expect(response).toMatchObject({
      message: { content: 'Hello! How are you today?' },
      finishReason: 'stop',
      usage: { inputTokens: 26, outputTokens: 298 },
    });
  });

  it('ollama/chat-tool-call.json', async () => {
    const response = await fromOllamaResponse(
      readJsonFixture('ollama/chat-tool-call.json'),
      request,
      context,
    );
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.toolCalls?.[0]).toMatchObject({
      name: 'get_current_weather',
      arguments: '{"format":"celsius","location":"Paris, FR"}',
    });
  });

  it('ollama/chat-stream.ndjson', async () => {
    const parts = await streamParts('ollama/chat-stream.ndjson');
    for (const part of parts) expect(chatStreamPartSchema.safeParse(part).success).toBe(true);
    expect(parts.map((part) => (part.type === 'text-delta' ? part.delta : part.type))).toEqual([
      'response-metadata',
      'The',
      ' sky',
      'finish',
    ]);
    expect(parts.at(-1)).toMatchObject({
      finishReason: 'stop',
      usage: { inputTokens: 26, outputTokens: 282, totalTokens: 308, estimated: false },
    });
  });

  it('ollama/chat-stream-error.ndjson', async () => {
    const error = await streamParts('ollama/chat-stream-error.ndjson').catch(
      (caught: unknown) => caught,
    );
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'provider_error', isRetryable: true });
  });

  it('ollama/embed.json', async () => {
    const response = await fromOllamaEmbedResponse(
      readJsonFixture('ollama/embed.json'),
      { model: 'all-minilm', input: ['Why is the sky blue?'] },
      'ollama',
    );
    expect(embedResponseSchema.safeParse(response).success).toBe(true);
    expect(response.usage).toEqual({
      inputTokens: 8,
      outputTokens: 0,
      totalTokens: 8,
      estimated: false,
    });
  });

  it.each([
    ['ollama/error-400.json', 400, 'bad_request', false],
    ['ollama/error-500.json', 500, 'provider_error', true],
    ['ollama/error-503.json', 503, 'provider_unavailable', true],
  ])('%s', (fixture, status, code, isRetryable) => {
    const error = mapStatus(status, readFixture(fixture), 'llama3.2');
    expect(error).toMatchObject({ code, isRetryable, statusCode: status });
  });

  it('ollama/error-404.json', () => {
    const error = mapStatus(404, readFixture('ollama/error-404.json'), 'llama3.3');
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
  });

  it('ollama/tags.json and ollama/ps.json', () => {
    const tags = modelsOf(readJsonFixture('ollama/tags.json'), '/api/tags', 'ollama');
    const info = toModelInfo(tags[0] ?? {}, new Map(), undefined);
    expect(modelInfoSchema.safeParse(info).success).toBe(true);
    expect(info).toMatchObject({
      id: 'deepseek-r1:latest',
      capabilities: { chat: true, reasoning: true },
      loaded: false,
    });
    const running = modelsOf(readJsonFixture('ollama/ps.json'), '/api/ps', 'ollama');
    const state = new ModelState();
    state.update(running, Date.parse('2024-06-04T12:00:00-07:00'));
    expect(state.isLoaded('mistral', Date.parse('2024-06-04T14:00:00-07:00'))).toBe(true);
    expect(state.isLoaded('mistral', Date.parse('2024-06-04T15:00:00-07:00'))).toBe(false);
  });
});
