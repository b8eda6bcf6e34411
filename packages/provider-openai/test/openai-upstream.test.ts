import { LoomError } from '@loom/core';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAI, type OpenAIProvider } from '../src/index.js';
import { ask, callContext, collect, rejectionOf, textOf } from './helpers.js';

let upstream: SimulatedUpstream;
let provider: OpenAIProvider;

beforeAll(async () => {
  upstream = await startOpenAIServer({ cachedTokens: 2, reasoningTokens: 3 });
  provider = createOpenAI({
    baseURL: upstream.baseURL,
    apiKey: 'sk-test',
    models: { 'gpt-4o-mini': { contextWindow: 128_000, capabilities: { tools: true } } },
  });
});

afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('createOpenAI against the simulated OpenAI API', () => {
  it('answers a chat with the echoed text, usage with cached and reasoning tokens', async () => {
    const response = await provider.doChat(ask('Hello Loom'), callContext());
    expect(response.message).toEqual({ role: 'assistant', content: 'Hello Loom' });
    expect(response.finishReason).toBe('stop');
    expect(response.model).toContain('gpt-4o-mini');
    expect(response.id).toMatch(/^chatcmpl-/);
    expect(response.usage.estimated).toBe(false);
    expect(response.usage.cachedInputTokens).toBe(2);
    expect(response.usage.reasoningTokens).toBe(3);
    expect(response.usage.totalTokens).toBe(
      response.usage.inputTokens + response.usage.outputTokens,
    );
  });

  it('streams text deltas, a usage part and exactly one finish, last', async () => {
    const parts = await collect(provider, ask('one two three four'));
    expect(parts[0]).toMatchObject({ type: 'response-metadata' });
    expect(textOf(parts)).toBe('one two three four');
    const usage = parts.find((part) => part.type === 'usage');
    expect(usage).toMatchObject({ usage: { estimated: false, reasoningTokens: 3 } });
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('returns a forced tool call with its arguments', async () => {
    const response = await provider.doChat(
      { ...ask('Weather in Paris?'), tools: [weather], toolChoice: 'required' },
      callContext(),
    );
    expect(response.finishReason).toBe('tool_calls');
    const [call] = response.message.toolCalls ?? [];
    expect(call?.name).toBe('get_weather');
    expect(call?.id).toBeTruthy();
    expect(Object.keys(JSON.parse(call?.arguments ?? '{}'))).toEqual(['city']);
  });

  it('streams tool-call deltas that assemble into the call', async () => {
    const parts = await collect(provider, {
      ...ask('Weather in Paris?'),
      tools: [weather],
      toolChoice: { type: 'tool', name: 'get_weather' },
    });
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas[0]).toMatchObject({ index: 0, name: 'get_weather' });
    expect(deltas[0]?.id).toBeTruthy();
    const args = deltas.map((part) => part.argumentsDelta ?? '').join('');
    expect(Object.keys(JSON.parse(args))).toEqual(['city']);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('asks for a json_schema answer and gets JSON back', async () => {
    const response = await provider.doChat(
      {
        ...ask('Describe Paris'),
        responseFormat: {
          type: 'json_schema',
          name: 'city',
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, population: { type: 'number' } },
            required: ['name', 'population'],
            additionalProperties: false,
          },
          strict: true,
        },
      },
      callContext(),
    );
    expect(Object.keys(JSON.parse(response.message.content ?? ''))).toEqual(['name', 'population']);
  });

  it('embeds inputs in order, honouring dimensions', async () => {
    const response = await provider.doEmbed!(
      { model: 'text-embedding-3-small', input: ['a', 'b', 'c'], dimensions: 64 },
      callContext(),
    );
    expect(response.embeddings).toHaveLength(3);
    expect(response.embeddings.every((vector) => vector.length === 64)).toBe(true);
    expect(response.embeddings[0]).not.toEqual(response.embeddings[1]);
    expect(response.usage).toMatchObject({ outputTokens: 0, estimated: false });
  });

  it('lists models, enriched by the configured overrides', async () => {
    const models = await provider.doListModels({ signal: AbortSignal.timeout(5_000) });
    expect(models).toContainEqual({
      id: 'gpt-4o-mini',
      ownedBy: expect.any(String),
      contextWindow: 128_000,
      capabilities: { chat: true, streaming: true, tools: true },
    });
    expect(models.find((model) => model.id === 'text-embedding-3-small')?.capabilities).toEqual({
      embeddings: true,
    });
  });

  it('reports health up with a latency', async () => {
    const report = await provider.doHealth!({ signal: AbortSignal.timeout(5_000) });
    expect(report).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
  });

  it('reports health down, with the reason, when the key is refused', async () => {
    const keyed = await startOpenAIServer({ apiKey: 'sk-right' });
    const wrong = createOpenAI({ baseURL: keyed.baseURL, apiKey: 'sk-wrong-key-123' });
    try {
      const report = await wrong.doHealth!({ signal: AbortSignal.timeout(5_000) });
      expect(report.status).toBe('down');
      expect(report.message).toContain('401');
      expect(report.message).not.toContain('sk-wrong-key-123');
    } finally {
      await wrong.close?.();
      await keyed.close();
    }
  });

  it('reports health down when nothing listens', async () => {
    const gone = await startOpenAIServer();
    const baseURL = gone.baseURL;
    await gone.close();
    const orphan = createOpenAI({ baseURL, apiKey: 'sk-test' });
    const report = await orphan.doHealth!({ signal: AbortSignal.timeout(5_000) });
    expect(report.status).toBe('down');
    expect(report.message).toMatch(/ECONNREFUSED|reach/);
    await orphan.close?.();
  });

  it('maps an unknown model to ModelNotFoundError with the provider set', async () => {
    const error = await rejectionOf(provider.doChat(ask('hi', 'gpt-nope'), callContext()));
    expect(LoomError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'model_not_found', provider: 'openai', isRetryable: true });
  });
});
