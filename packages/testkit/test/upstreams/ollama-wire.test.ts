import { afterEach, describe, expect, it } from 'vitest';
import { type OllamaUpstream, startOllamaServer } from '../../src/upstreams/start-ollama-server.js';
import { dig, digArray, ndjson, postJson, simulate } from './http.js';

let upstream: OllamaUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function start(options: Parameters<typeof startOllamaServer>[0] = {}) {
  upstream = await startOllamaServer(options);
  return upstream;
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'llama3.2',
  messages: [{ role: 'user', content }],
  ...extra,
});

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

describe('Ollama simulator wire', () => {
  it('answers /, /api/version and /api/tags as Ollama does', async () => {
    const server = await start();
    expect(server.baseURL).toBe(server.url);
    expect(await (await fetch(server.url)).text()).toBe('Ollama is running');
    expect(await (await fetch(`${server.url}/api/version`)).json()).toEqual({ version: '0.12.6' });
    const tags: unknown = await (await fetch(`${server.url}/api/tags`)).json();
    const names = digArray(tags, 'models').map((model) => dig(model, 'name'));
    expect(names).toEqual(['llama3.2:latest', 'nomic-embed-text:latest']);
    expect(dig(tags, 'models', 0, 'details')).toMatchObject({ format: 'gguf', family: 'llama' });
  });

  it('streams NDJSON word lines and a final line with counts and nanosecond durations', async () => {
    const server = await start();
    const response = await postJson(`${server.url}/api/chat`, chat('one two three'));
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = ndjson(await response.text());
    const last = lines.at(-1);
    expect(lines.slice(0, -1).every((line) => line.done === false)).toBe(true);
    expect(lines.map((line) => dig(line, 'message', 'content')).join('')).toBe('one two three');
    expect(last).toMatchObject({
      model: 'llama3.2',
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 4,
      eval_count: 4,
      message: { role: 'assistant', content: '' },
    });
    for (const field of [
      'total_duration',
      'load_duration',
      'prompt_eval_duration',
      'eval_duration',
    ]) {
      expect(Number.isInteger(last?.[field])).toBe(true);
    }
    expect(server.requests[0]?.answer?.usage).toEqual({ inputTokens: 4, outputTokens: 4 });
  });

  it('answers stream:false with one object, and omits counts when asked', async () => {
    const server = await start({ omitCounts: true });
    const body: unknown = await (
      await postJson(`${server.url}/api/chat`, chat('hi', { stream: false }))
    ).json();
    expect(body).toMatchObject({ message: { role: 'assistant', content: 'hi' }, done: true });
    expect(body).not.toHaveProperty('prompt_eval_count');
    expect(body).not.toHaveProperty('eval_count');
    expect(body).toHaveProperty('eval_duration');
    expect(server.requests[0]?.answer?.usage).toBeUndefined();
  });

  it('calls a tool with object arguments, and answers text after the tool result', async () => {
    const server = await start();
    const call: unknown = await (
      await postJson(
        `${server.url}/api/chat`,
        chat('weather?', { stream: false, tools: [weatherTool] }),
      )
    ).json();
    expect(dig(call, 'message', 'tool_calls')).toEqual([
      { function: { name: 'get_weather', arguments: { city: 'Paris' } } },
    ]);
    const followUp = {
      model: 'llama3.2',
      stream: false,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: '', tool_calls: dig(call, 'message', 'tool_calls') },
        { role: 'tool', content: 'sunny' },
      ],
    };
    const text: unknown = await (await postJson(`${server.url}/api/chat`, followUp)).json();
    expect(dig(text, 'message', 'content')).toBe('weather?');
  });

  it('answers JSON for format json and a schema, and honours num_predict', async () => {
    const server = await start();
    const url = `${server.url}/api/chat`;
    const asJson: unknown = await (
      await postJson(url, chat('hi', { stream: false, format: 'json' }))
    ).json();
    expect(JSON.parse(dig(asJson, 'message', 'content') as string)).toEqual({ text: 'hi' });
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    const shaped: unknown = await (
      await postJson(url, chat('hi', { stream: false, format: schema }))
    ).json();
    expect(JSON.parse(dig(shaped, 'message', 'content') as string)).toEqual({ n: 1 });
    const short: unknown = await (
      await postJson(url, chat('a b c d e f', { stream: false, options: { num_predict: 2 } }))
    ).json();
    expect(short).toMatchObject({ done_reason: 'length', message: { content: 'a ' } });
  });

  it('pays the cold start once, reports it as load_duration, and lists loaded models in /api/ps', async () => {
    const server = await start({ coldStartMs: 300 });
    expect(await (await fetch(`${server.url}/api/ps`)).json()).toEqual({ models: [] });
    const cold: unknown = await (
      await postJson(`${server.url}/api/chat`, chat('a', { stream: false }))
    ).json();
    expect(dig(cold, 'load_duration')).toBeGreaterThanOrEqual(250_000_000);
    const warm: unknown = await (
      await postJson(`${server.url}/api/chat`, chat('a', { stream: false }))
    ).json();
    expect(dig(warm, 'load_duration')).toBeLessThan(250_000_000);
    const ps: unknown = await (await fetch(`${server.url}/api/ps`)).json();
    expect(dig(ps, 'models', 0)).toMatchObject({ name: 'llama3.2:latest', context_length: 4096 });
    expect(Date.parse(dig(ps, 'models', 0, 'expires_at') as string)).toBeGreaterThan(Date.now());
    expect(typeof dig(ps, 'models', 0, 'size_vram')).toBe('number');
    server.setLoaded('llama3.2', false);
    expect(await (await fetch(`${server.url}/api/ps`)).json()).toEqual({ models: [] });
  });

  it('starts with the models given as loaded and unloads after keep_alive 0', async () => {
    const server = await start({ loaded: ['llama3.2'], coldStartMs: 8_000 });
    const started = Date.now();
    await (
      await postJson(`${server.url}/api/chat`, chat('a', { stream: false, keep_alive: 0 }))
    ).json();
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(await (await fetch(`${server.url}/api/ps`)).json()).toEqual({ models: [] });
  });

  it('embeds with /api/embed', async () => {
    const server = await start();
    const body: unknown = await (
      await postJson(`${server.url}/api/embed`, { model: 'nomic-embed-text', input: ['a b', 'c'] })
    ).json();
    expect(body).toMatchObject({ model: 'nomic-embed-text', prompt_eval_count: 4 });
    expect(digArray(body, 'embeddings')).toHaveLength(2);
    expect(digArray(body, 'embeddings', 0)).toHaveLength(768);
    expect(typeof dig(body, 'total_duration')).toBe('number');
  });

  it('answers errors as {"error": "..."} and an in-band error line', async () => {
    const server = await start();
    const url = `${server.url}/api/chat`;
    const noModel = await postJson(url, { messages: [] });
    expect([noModel.status, await noModel.json()]).toEqual([400, { error: 'model is required' }]);
    const unknown = await postJson(url, chat('x', { model: 'mistral' }));
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { error: "model 'mistral' not found" },
    ]);
    const busy = await fetch(`${server.url}/api/tags`, {
      headers: simulate({ type: 'status', status: 503 }),
    });
    expect(await busy.json()).toEqual({
      error: 'server busy, please try again.  maximum pending requests exceeded',
    });
    const broken = await postJson(
      url,
      chat('a b c'),
      simulate({ type: 'in-band-error', afterChunks: 2, message: 'oops' }),
    );
    const lines = ndjson(await broken.text());
    expect(lines).toHaveLength(3);
    expect(lines.at(-1)).toEqual({ error: 'oops' });
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404);
  });
});
