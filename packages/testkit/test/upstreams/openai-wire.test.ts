import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedUpstream } from '../../src/upstreams/simulated-upstream.js';
import { startOpenAIServer } from '../../src/upstreams/start-openai-server.js';
import { dig, digArray, digString, postJson, simulate, sseData } from './http.js';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
    },
  },
};

let upstream: SimulatedUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function call(
  body: Record<string, unknown>,
  options: Parameters<typeof startOpenAIServer>[0] = {},
  headers = {},
) {
  upstream ??= await startOpenAIServer(options);
  const url = `${upstream.baseURL}/chat/completions`;
  return postJson(url, { model: 'gpt-4o-mini', ...body }, headers);
}

const json = async (response: Promise<Response>): Promise<unknown> => (await response).json();
const ask = (content: string) => ({ messages: [{ role: 'user', content }] });

describe('OpenAI simulator wire', () => {
  it('answers a completion echoing the last user message, with usage details and headers', async () => {
    const response = await call(ask('Say hello to Loom'), { cachedTokens: 2, reasoningTokens: 3 });
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9999');
    const body: unknown = await response.json();
    expect(body).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini' });
    expect(dig(body, 'id')).toMatch(/^chatcmpl-/);
    expect(dig(body, 'choices', 0)).toMatchObject({
      index: 0,
      message: { role: 'assistant', content: 'Say hello to Loom' },
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(dig(body, 'usage')).toMatchObject({
      prompt_tokens: 5,
      completion_tokens: 8,
      total_tokens: 13,
      prompt_tokens_details: { cached_tokens: 2 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it('streams role, word deltas, one finish, a usage chunk and [DONE]', async () => {
    const body = { ...ask('a b c'), stream: true, stream_options: { include_usage: true } };
    const response = await call(body);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const frames = sseData(await response.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1);
    expect(chunks.every((chunk) => dig(chunk, 'object') === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map((chunk) => dig(chunk, 'id'))).size).toBe(1);
    expect(dig(chunks[0], 'choices', 0, 'delta')).toMatchObject({ role: 'assistant', content: '' });
    const text = chunks.map((chunk) => digString(chunk, 'choices', 0, 'delta', 'content'));
    expect(text.join('')).toBe('a b c');
    const usageChunk = chunks.at(-1);
    expect(dig(usageChunk, 'choices')).toEqual([]);
    expect(dig(usageChunk, 'usage')).toMatchObject({
      prompt_tokens: 4,
      completion_tokens: 4,
      total_tokens: 8,
    });
    expect(chunks.slice(0, -1).every((chunk) => dig(chunk, 'usage') === null)).toBe(true);
    expect(dig(chunks.at(-2), 'choices', 0, 'finish_reason')).toBe('stop');
  });

  it('leaves usage out of a stream without include_usage', async () => {
    const frames = sseData(await (await call({ ...ask('a b'), stream: true })).text());
    expect(frames.slice(0, -1).every((chunk) => !('usage' in (chunk as object)))).toBe(true);
  });

  it('answers tool_choice required with a call to the first tool, streamed in pieces', async () => {
    const request = { ...ask('weather?'), tools: [weatherTool], tool_choice: 'required' };
    const whole = await json(call(request));
    expect(dig(whole, 'choices', 0, 'finish_reason')).toBe('tool_calls');
    const toolCall = dig(whole, 'choices', 0, 'message', 'tool_calls', 0);
    expect(toolCall).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    const args = digString(toolCall, 'function', 'arguments');
    expect(JSON.parse(args)).toEqual({ city: 'Paris', days: 1 });
    const frames = sseData(await (await call({ ...request, stream: true })).text());
    const deltas = frames.flatMap((chunk) => digArray(chunk, 'choices', 0, 'delta', 'tool_calls'));
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(dig(deltas[0], 'id')).toMatch(/^call_/);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((delta) => digString(delta, 'function', 'arguments')).join('')).toBe(args);
  });

  it('answers a named tool_choice with that tool, and auto with text', async () => {
    const lookup = {
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
    };
    const named = { type: 'function', function: { name: 'lookup' } };
    const body = await json(
      call({ ...ask('x'), tools: [weatherTool, lookup], tool_choice: named }),
    );
    const name = dig(body, 'choices', 0, 'message', 'tool_calls', 0, 'function', 'name');
    expect(name).toBe('lookup');
    const auto = await json(call({ ...ask('x'), tools: [weatherTool], tool_choice: 'auto' }));
    expect(dig(auto, 'choices', 0, 'message', 'content')).toBe('x');
  });

  it('answers JSON for json_object and json_schema formats', async () => {
    const content = (body: unknown) =>
      JSON.parse(digString(body, 'choices', 0, 'message', 'content'));
    const object = await json(call({ ...ask('hi'), response_format: { type: 'json_object' } }));
    expect(content(object)).toEqual({ text: 'hi' });
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
    };
    const format = { type: 'json_schema', json_schema: { name: 'person', schema } };
    const shaped = await json(call({ ...ask('hi'), response_format: format }));
    expect(content(shaped)).toEqual({ name: 'Paris', tags: ['Paris'] });
  });

  it('cuts the answer at max_tokens with finish_reason length', async () => {
    const body = await json(call({ ...ask('one two three four five six'), max_tokens: 3 }));
    expect(dig(body, 'choices', 0)).toMatchObject({
      finish_reason: 'length',
      message: { content: 'one two ' },
    });
    expect(dig(body, 'usage', 'completion_tokens')).toBeLessThanOrEqual(3);
  });

  it('refuses an unknown model, a bad body and a wrong or missing key', async () => {
    const missing = await call({ ...ask('x'), model: 'gpt-nope' });
    expect(missing.status).toBe(404);
    expect(dig(await missing.json(), 'error')).toMatchObject({
      code: 'model_not_found',
      type: 'invalid_request_error',
      param: null,
    });
    const noMessages = await call({});
    expect(noMessages.status).toBe(400);
    expect(dig(await noMessages.json(), 'error')).toMatchObject({
      param: 'messages',
      code: 'missing_required_parameter',
    });
    const server = await startOpenAIServer({ apiKey: 'sk-test-1234567890' });
    try {
      const url = `${server.baseURL}/chat/completions`;
      const body = { model: 'gpt-4o-mini', ...ask('x') };
      const none = await postJson(url, body);
      const wrong = await postJson(url, body, { authorization: 'Bearer sk-wrong-0000000000' });
      const right = await postJson(url, body, { authorization: 'Bearer sk-test-1234567890' });
      expect([none.status, wrong.status, right.status]).toEqual([401, 401, 200]);
      const wrongBody: unknown = await wrong.json();
      expect(dig(wrongBody, 'error', 'code')).toBe('invalid_api_key');
      expect(digString(wrongBody, 'error', 'message')).not.toContain('sk-wrong-0000000000');
    } finally {
      await server.close();
    }
  });

  it('gives status faults without a body a realistic OpenAI body', async () => {
    const codes: Record<number, unknown> = {};
    for (const status of [400, 401, 403, 404, 429, 500, 502, 503]) {
      const response = await call(ask('x'), {}, simulate({ type: 'status', status }));
      expect(response.status).toBe(status);
      const error = dig(await response.json(), 'error') as object;
      expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
      codes[status] = dig(error, 'code');
    }
    expect(codes).toMatchObject({
      401: 'invalid_api_key',
      404: 'model_not_found',
      429: 'rate_limit_exceeded',
      502: 502,
    });
  });

  it('sends an in-band error frame and no [DONE]', async () => {
    const fault = simulate({ type: 'in-band-error', afterChunks: 1, message: 'boom' });
    const response = await call({ ...ask('a b c'), stream: true }, {}, fault);
    const frames = sseData(await response.text());
    expect(frames.at(-1)).toEqual({
      error: { message: 'boom', type: 'server_error', param: null, code: null },
    });
  });

  it('embeds deterministically, honours dimensions and base64, and lists models', async () => {
    upstream = await startOpenAIServer({ reply: () => 'fixed' });
    const url = `${upstream.baseURL}/embeddings`;
    const model = 'text-embedding-3-small';
    const first = await json(postJson(url, { model, input: ['a b', 'c'] }));
    expect(first).toMatchObject({
      object: 'list',
      model,
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(dig(first, 'data', 0)).toMatchObject({ object: 'embedding', index: 0 });
    expect(digArray(first, 'data', 0, 'embedding')).toHaveLength(1536);
    const again = await json(postJson(url, { model, input: 'a b', dimensions: 8 }));
    const floats = digArray(again, 'data', 0, 'embedding');
    expect(floats).toHaveLength(8);
    const request = { model, input: 'a b', dimensions: 8, encoding_format: 'base64' };
    const base64 = await json(postJson(url, request));
    const bytes = Buffer.from(digString(base64, 'data', 0, 'embedding'), 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    decoded.forEach((value, index) => {
      expect(value).toBeCloseTo(floats[index] as number, 5);
    });
    const models = await json(fetch(`${upstream.baseURL}/models`));
    const ids = digArray(models, 'data').map((entry) => dig(entry, 'id'));
    expect(ids).toEqual(['gpt-4o-mini', model]);
    expect(dig(models, 'data', 0)).toMatchObject({ object: 'model', owned_by: 'system' });
    const reply = await json(call(ask('ignored')));
    expect(dig(reply, 'choices', 0, 'message', 'content')).toBe('fixed');
  });
});
