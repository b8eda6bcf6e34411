import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { type OllamaUpstream, startOllamaServer } from '../../src/upstreams/start-ollama-server.js';

let upstream: OllamaUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function client(options: Parameters<typeof startOllamaServer>[0] = {}) {
  upstream = await startOllamaServer(options);
  return new Ollama({ host: upstream.url });
}

const messages = [{ role: 'user', content: 'Hello from ollama-js' }];

describe('the official ollama client against the Ollama simulator', () => {
  it('chats without streaming', async () => {
    const ollama = await client();
    const response = await ollama.chat({ model: 'llama3.2', messages });
    expect(response.message).toEqual({ role: 'assistant', content: 'Hello from ollama-js' });
    expect(response).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 4,
      eval_count: 4,
    });
    expect(response.total_duration).toBeGreaterThan(0);
  });

  it('streams parts that end with done', async () => {
    const ollama = await client({ coldStartMs: 50 });
    const stream = await ollama.chat({ model: 'llama3.2', messages, stream: true });
    let text = '';
    let last: { done: boolean; load_duration: number } | undefined;
    for await (const part of stream) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe('Hello from ollama-js');
    expect(last?.done).toBe(true);
    expect(last?.load_duration).toBeGreaterThanOrEqual(40_000_000);
  });

  it('calls tools with object arguments', async () => {
    const ollama = await client();
    const response = await ollama.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'What is the weather?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    });
    expect(response.message.tool_calls).toEqual([
      { function: { name: 'get_weather', arguments: { city: 'Paris' } } },
    ]);
  });

  it('embeds, lists, shows running models and reads the version', async () => {
    const ollama = await client();
    const embedded = await ollama.embed({ model: 'nomic-embed-text', input: ['a', 'b'] });
    expect(embedded.embeddings.map((vector) => vector.length)).toEqual([768, 768]);
    const list = await ollama.list();
    expect(list.models.map((model) => model.name)).toEqual([
      'llama3.2:latest',
      'nomic-embed-text:latest',
    ]);
    expect((await ollama.ps()).models.map((model) => model.name)).toEqual([
      'nomic-embed-text:latest',
    ]);
    expect((await ollama.version()).version).toBe('0.12.6');
  });

  it('throws ResponseError with the status and Ollama error text', async () => {
    const ollama = await client();
    const missing = await ollama
      .chat({ model: 'mistral', messages })
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({
      name: 'ResponseError',
      status_code: 404,
      error: "model 'mistral' not found",
    });
    upstream!.inject({ fault: { type: 'status', status: 503 }, times: 1 });
    const busy = await ollama.list().catch((error: unknown) => error);
    expect(busy).toMatchObject({ name: 'ResponseError', status_code: 503 });
    expect((busy as Error).message).toContain('server busy');
    upstream!.inject({ fault: { type: 'in-band-error', afterChunks: 1, message: 'runner died' } });
    const stream = await ollama.chat({ model: 'llama3.2', messages, stream: true });
    const inBand = await (async () => {
      for await (const _part of stream) {
        // Read until the in-band error is thrown.
      }
    })().catch((error: unknown) => error);
    expect((inBand as Error).message).toBe('runner died');
  });
});
