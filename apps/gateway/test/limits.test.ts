import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson, readRawStream, waitFor } from './raw-http.js';
import { chatRequests, type Stack, startStack } from './start-stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    bodyLimitBytes: 16 * 1024,
    gateway: { limits: { maxMessages: 3, maxTokens: 100, maxStreamDurationMs: 400 } },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const upstream of [stack.primary, stack.backup]) {
    upstream.clearFaults();
    upstream.clearRequests();
  }
});

const chatURL = () => `${stack.url}/v1/chat/completions`;
const user = (content: string) => ({ role: 'user', content });

function expectOpenAIError(text: string, expected: { code: string; param?: string | null }) {
  const body = JSON.parse(text) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error).toMatchObject({ type: 'invalid_request_error', ...expected });
  expect(typeof body.error.message).toBe('string');
}

describe('request limits', () => {
  it('413 request_too_large for a body over the limit, through the openai client too', async () => {
    const big = { model: 'chat', messages: [user('x'.repeat(32 * 1024))] };
    const raw = await postJson(chatURL(), big);
    expect(raw.status).toBe(413);
    expectOpenAIError(raw.text, { code: 'request_too_large', param: null });
    const error = await stack.client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'y'.repeat(32 * 1024) }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect(chatRequests(stack.primary)).toHaveLength(0);
  });

  it('400 too_many_messages naming messages', async () => {
    const body = { model: 'chat', messages: [user('1'), user('2'), user('3'), user('4')] };
    const result = await postJson(chatURL(), body);
    expect(result.status).toBe(400);
    expectOpenAIError(result.text, { code: 'too_many_messages', param: 'messages' });
    expect(result.json().error.message).toContain('at most 3');
    const atLimit = await postJson(chatURL(), { ...body, messages: body.messages.slice(1) });
    expect(atLimit.status).toBe(200);
  });

  it('400 max_tokens_too_large naming the field the caller used', async () => {
    for (const field of ['max_tokens', 'max_completion_tokens']) {
      const result = await postJson(chatURL(), {
        model: 'chat',
        messages: [user('hi')],
        [field]: 101,
      });
      expect(result.status).toBe(400);
      expectOpenAIError(result.text, { code: 'max_tokens_too_large', param: field });
    }
    const error = await stack.client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5_000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('max_tokens');
    expect(chatRequests(stack.primary)).toHaveLength(0);
  });

  it('caps a request that sets no max_tokens at the limit', async () => {
    const ok = await postJson(chatURL(), {
      model: 'chat',
      messages: [user('hi')],
      max_tokens: 100,
    });
    expect(ok.status).toBe(200);
    await postJson(chatURL(), { model: 'chat', messages: [user('hi')] });
    const sent = chatRequests(stack.primary).map((request) => request.body) as Array<
      Record<string, unknown>
    >;
    expect(sent).toHaveLength(2);
    for (const body of sent) {
      expect(body.max_completion_tokens ?? body.max_tokens).toBe(100);
    }
  });

  it('400 forbidden_parameter for base URLs wherever a provider could take them, and no upstream is called', async () => {
    const bodies = [
      { model: 'chat', messages: [user('hi')], api_base: 'http://169.254.169.254' },
      { model: 'chat', messages: [{ role: 'user', content: 'hi', base_url: 'http://evil' }] },
      {
        model: 'chat',
        messages: [user('hi')],
        providerOptions: { openai: { apiBase: 'x' } },
      },
    ];
    const params = [];
    for (const body of bodies) {
      const result = await postJson(chatURL(), body);
      expect(result.status).toBe(400);
      expectOpenAIError(result.text, { code: 'forbidden_parameter' });
      params.push(result.json().error.param);
    }
    expect(params).toEqual(['api_base', 'messages.0.base_url', 'providerOptions.openai.apiBase']);
    const embed = await postJson(`${stack.url}/v1/embeddings`, {
      model: 'embed',
      input: 'x',
      base_url: 'http://evil',
    });
    expect(embed.status).toBe(400);
    expect(chatRequests(stack.primary)).toHaveLength(0);
    expect(stack.primary.requests).toHaveLength(0);
  });

  it('ends a stream past maxStreamDurationMs with an in-band error and aborts the upstream', async () => {
    stack.primary.inject({
      fault: { type: 'stall', afterChunks: 2 },
      path: '/v1/chat/completions',
      times: 1,
    });
    const started = Date.now();
    const { status, text } = await readRawStream(chatURL(), {
      model: 'solo',
      stream: true,
      messages: [user('tell me a long story please')],
    });
    expect(status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(text).toContain('"role":"assistant"');
    expect(text).not.toContain('[DONE]');
    const frames = text.trim().split('\n\n');
    const last = JSON.parse(frames.at(-1)?.replace(/^data: /, '') ?? '{}');
    expect(last).toEqual({
      error: {
        message: expect.stringContaining('400 ms'),
        type: 'invalid_request_error',
        param: null,
        code: 'stream_duration_exceeded',
      },
    });
    await waitFor(() => chatRequests(stack.primary)[0]?.aborted === true);
  });

  it('makes the openai client throw when a stream is cut by the duration limit', async () => {
    stack.primary.inject({
      fault: { type: 'stall', afterChunks: 1 },
      path: '/v1/chat/completions',
      times: 1,
    });
    const stream = await stack.client.chat.completions.create({
      model: 'solo',
      stream: true,
      messages: [{ role: 'user', content: 'a story' }],
    });
    const read = async () => {
      for await (const _chunk of stream) {
        // keep reading until the gateway ends the stream
      }
    };
    await expect(read()).rejects.toThrow(/limit of 400 ms/);
  });
});
