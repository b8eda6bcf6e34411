import { type ChatTool, chatStreamPartSchema } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { bodiesOn, callContext, chatRequest, readAll, setup, textOf } from '../helpers/harness.js';

const weather: ChatTool = {
  type: 'function',
  name: 'get_current_weather',
  description: 'Get the current weather for a location',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('doStream against the simulated Ollama', () => {
  it('streams text deltas and one finish with usage, sending stream:true', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] });
    const parts = await readAll(provider, chatRequest('one two three four'));
    for (const part of parts) expect(chatStreamPartSchema.safeParse(part).success).toBe(true);
    expect(parts[0]).toEqual({ type: 'response-metadata', model: 'llama3.2' });
    expect(textOf(parts)).toBe('one two three four');
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'stop',
      usage: { estimated: false },
    });
    expect(bodiesOn(server, '/api/chat')[0]).toMatchObject({ stream: true });
  });

  it('streams a tool call as one tool-call delta', async () => {
    const { provider } = await setup({ loaded: ['llama3.2'] });
    const parts = await readAll(provider, chatRequest('weather?', { tools: [weather] }));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({
      index: 0,
      name: 'get_current_weather',
      id: expect.stringMatching(/^call_/),
    });
    expect(JSON.parse(deltas[0]?.argumentsDelta ?? '')).toHaveProperty('city');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('estimates stream usage when the counts are omitted', async () => {
    const { provider } = await setup({ loaded: ['llama3.2'], omitCounts: true });
    const parts = await readAll(provider, chatRequest('some words to count'));
    const finish = parts.at(-1);
    if (finish?.type !== 'finish' || !finish.usage) throw new Error('no usage on the finish part');
    expect(finish.usage.estimated).toBe(true);
    expect(finish.usage.inputTokens).toBeGreaterThan(0);
    expect(finish.usage.outputTokens).toBeGreaterThan(0);
  });

  it('releases the connection when the consumer stops early', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'], tokensPerSecond: 5 });
    const { stream } = await provider.doStream(chatRequest('a b c d e f g h i j'), callContext());
    for await (const part of stream) if (part.type === 'text-delta') break;
    await expect.poll(() => server.requests[0]?.aborted, { timeout: 2_000 }).toBe(true);
  });

  it('releases the connection when return() is called before reading', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'], tokensPerSecond: 5 });
    const { stream } = await provider.doStream(chatRequest('a b c d e f g h'), callContext());
    await stream[Symbol.asyncIterator]().return?.();
    await expect.poll(() => server.requests[0]?.aborted, { timeout: 2_000 }).toBe(true);
  });
});

describe('embeddings, models and health', () => {
  it('embeds a list of inputs in order, with prompt_eval_count usage', async () => {
    const { server, provider } = await setup({ loaded: ['nomic-embed-text'] });
    const response = await provider.doEmbed(
      { model: 'nomic-embed-text', input: ['a', 'b', 'c'] },
      callContext(),
    );
    expect(response.embeddings).toHaveLength(3);
    expect(response.embeddings[0]).toHaveLength(768);
    expect(response.usage.estimated).toBe(false);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    await provider.doEmbed(
      { model: 'nomic-embed-text', input: ['x'], dimensions: 64 },
      callContext(),
    );
    expect(bodiesOn(server, '/api/embed')).toEqual([
      { model: 'nomic-embed-text', input: ['a', 'b', 'c'] },
      { model: 'nomic-embed-text', input: ['x'], dimensions: 64 },
    ]);
  });

  it('estimates embedding usage when the count is omitted', async () => {
    const { provider } = await setup({ omitCounts: true });
    const response = await provider.doEmbed(
      { model: 'nomic-embed-text', input: ['hello world'] },
      callContext(),
    );
    expect(response.usage).toMatchObject({ estimated: true, outputTokens: 0 });
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it('lists /api/tags with capabilities, loaded flags and context windows', async () => {
    const { provider } = await setup(
      { loaded: ['llama3.2'], contextLength: 8192 },
      { models: { 'nomic-embed-text': { contextWindow: 2048 } } },
    );
    const models = await provider.doListModels({ signal: AbortSignal.timeout(5_000) });
    expect(models).toEqual([
      {
        id: 'llama3.2:latest',
        contextWindow: 8192,
        capabilities: { chat: true, streaming: true, jsonSchema: true, tools: true },
        loaded: true,
      },
      {
        id: 'nomic-embed-text:latest',
        contextWindow: 2048,
        capabilities: { embeddings: true },
        loaded: false,
      },
    ]);
  });

  it('reports health up with the version and the loaded models', async () => {
    const { provider } = await setup({ loaded: ['llama3.2'], version: '0.5.1' });
    const report = await provider.doHealth({ signal: AbortSignal.timeout(5_000) });
    expect(report).toMatchObject({
      status: 'up',
      version: '0.5.1',
      models: [{ id: 'llama3.2:latest', loaded: true }],
    });
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports health down with a clear message when the server is gone or fails', async () => {
    const { server, provider } = await setup();
    server.inject({ fault: { type: 'status', status: 500 }, path: '/api/version' });
    const failing = await provider.doHealth({ signal: AbortSignal.timeout(5_000) });
    expect(failing).toMatchObject({
      status: 'down',
      message: expect.stringMatching(/not serving.*500/),
    });
    await server.close();
    const gone = await provider.doHealth({ signal: AbortSignal.timeout(5_000) });
    expect(gone).toMatchObject({
      status: 'down',
      message: expect.stringMatching(/Could not reach/),
    });
  });

  it('reports degraded when /api/ps answers something unusable', async () => {
    const { server, provider } = await setup();
    server.inject({
      fault: { type: 'status', status: 200, body: 'no json here' },
      path: '/api/ps',
    });
    const report = await provider.doHealth({ signal: AbortSignal.timeout(5_000) });
    expect(report).toMatchObject({ status: 'degraded', version: '0.12.6' });
  });

  it('reports degraded when /api/ps answers a client error', async () => {
    const { server, provider } = await setup();
    server.inject({ fault: { type: 'status', status: 400 }, path: '/api/ps' });
    const report = await provider.doHealth({ signal: AbortSignal.timeout(5_000) });
    expect(report.status).toBe('degraded');
    expect(report.version).toBe('0.12.6');
  });
});
