import { type ChatTool, chatResponseSchema } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { bodiesOn, callContext, chatRequest, setup } from '../helpers/harness.js';

const weather: ChatTool = {
  type: 'function',
  name: 'get_current_weather',
  description: 'Get the current weather for a location',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('doChat against the simulated Ollama', () => {
  it('answers with the echo, counts and Ollama metadata, sending stream:false', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] });
    const response = await provider.doChat(chatRequest('hello there friend'), callContext());
    expect(chatResponseSchema.safeParse(response).success).toBe(true);
    expect(response.message.content).toBe('hello there friend');
    expect(response.finishReason).toBe('stop');
    expect(response.usage.estimated).toBe(false);
    expect(response.usage).toMatchObject(server.requests[0]?.answer?.usage ?? {});
    expect(response.providerMetadata?.ollama).toMatchObject({
      coldStart: false,
      doneReason: 'stop',
    });
    expect(bodiesOn(server, '/api/chat')).toEqual([
      {
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'hello there friend' }],
        stream: false,
      },
    ]);
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('maps options, format and keep_alive onto the recorded body', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, { keepAlive: '10m' });
    const schema = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    await provider.doChat(
      chatRequest('json please', {
        temperature: 0.3,
        topP: 0.8,
        maxTokens: 50,
        stop: ['END'],
        seed: 7,
        responseFormat: { type: 'json_schema', name: 'age', schema },
        providerOptions: { ollama: { num_ctx: 4096, top_k: 40, api_base: 'http://elsewhere' } },
      }),
      callContext(),
    );
    await provider.doChat(
      chatRequest('any json', {
        responseFormat: { type: 'json_object' },
        providerOptions: { ollama: { keep_alive: 0 } },
      }),
      callContext(),
    );
    const [first, second] = bodiesOn(server, '/api/chat');
    expect(first).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'json please' }],
      format: schema,
      options: {
        num_ctx: 4096,
        top_k: 40,
        temperature: 0.3,
        top_p: 0.8,
        num_predict: 50,
        stop: ['END'],
        seed: 7,
      },
      stream: false,
      keep_alive: '10m',
    });
    expect(second).toMatchObject({ format: 'json', keep_alive: 0 });
  });

  it('answers a JSON schema format with JSON matching the schema', async () => {
    const { provider } = await setup({ loaded: ['llama3.2'] });
    const schema = {
      type: 'object',
      properties: { age: { type: 'integer' }, available: { type: 'boolean' } },
      required: ['age', 'available'],
    };
    const response = await provider.doChat(
      chatRequest('Ollama is 22', { responseFormat: { type: 'json_schema', name: 'x', schema } }),
      callContext(),
    );
    const parsed = JSON.parse(response.message.content ?? '');
    expect(Object.keys(parsed).sort()).toEqual(['age', 'available']);
  });

  it('returns a whole tool call with object arguments as JSON text', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] });
    const response = await provider.doChat(
      chatRequest('weather in Paris?', { tools: [weather], toolChoice: 'required' }),
      callContext(),
    );
    expect(response.finishReason).toBe('tool_calls');
    const call = response.message.toolCalls?.[0];
    expect(call?.name).toBe('get_current_weather');
    expect(JSON.parse(call?.arguments ?? '')).toHaveProperty('city');
    expect(bodiesOn(server, '/api/chat')[0]).toMatchObject({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_current_weather',
            description: weather.description,
            parameters: weather.parameters,
          },
        },
      ],
    });
  });

  it('sends a tool result back with the tool name and an image as base64', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] });
    await provider.doChat(
      chatRequest('', {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
            ],
          },
          {
            role: 'assistant',
            content: null,
            toolCalls: [
              { id: 'call_9', name: 'get_current_weather', arguments: '{"city":"Paris"}' },
            ],
          },
          { role: 'tool', toolCallId: 'call_9', content: '{"celsius":21}' },
        ],
      }),
      callContext(),
    );
    expect(bodiesOn(server, '/api/chat')[0]).toMatchObject({
      messages: [
        { role: 'user', content: 'what is this?', images: ['iVBORw0KGgo='] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_current_weather', arguments: { city: 'Paris' } } }],
        },
        { role: 'tool', content: '{"celsius":21}', tool_name: 'get_current_weather' },
      ],
    });
  });

  it('estimates usage when the server omits the counts', async () => {
    const { provider } = await setup({ loaded: ['llama3.2'], omitCounts: true });
    const response = await provider.doChat(chatRequest('count these words please'), callContext());
    expect(response.usage.estimated).toBe(true);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
  });

  it('sends configured headers and passes the simulator key check', async () => {
    const { server, provider } = await setup(
      { loaded: ['llama3.2'], apiKey: 'sim-key-123' },
      { headers: { authorization: 'Bearer sim-key-123', 'x-team': 'search' } },
    );
    await provider.doChat(chatRequest(), callContext());
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: 'Bearer sim-key-123',
      'x-team': 'search',
    });
  });

  it('keeps a base URL path (a reverse proxy prefix) in front of /api', async () => {
    const { server } = await setup({ loaded: ['llama3.2'] });
    const { createOllama } = await import('../../src/index.js');
    const provider = createOllama({ baseURL: `${server.url}/ollama` });
    const error = await provider
      .doChat(chatRequest(), callContext())
      .catch((caught: unknown) => caught);
    await provider.close();
    expect(server.requests.at(-1)?.path).toBe('/ollama/api/chat');
    expect((error as Error).message).toMatch(/baseURL/);
  });
});
