import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from './raw-http.js';
import { chatRequests, type Stack, startStack } from './start-stack.js';

const KEY = 'loom-test-key-0123456789';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    apiKeys: [KEY],
    bodyLimitBytes: 16 * 1024,
    config: {
      routing: {
        strategy: 'priority',
        retries: 1,
        initialBackoffMs: 1,
        circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 },
      },
    },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.primary.clearFaults();
  stack.primary.clearRequests();
});

const auth = { authorization: `Bearer ${KEY}` };
const chatURL = () => `${stack.url}/v1/chat/completions`;
const hello = [{ role: 'user', content: 'hi' }];

function expectShape(body: unknown, code: string | null) {
  const error = (body as { error: Record<string, unknown> }).error;
  expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error.message).toBe('string');
  expect(error.code).toBe(code);
}

describe('error shapes and statuses', () => {
  it('400 for a body with an unknown field, naming it', async () => {
    const result = await postJson(
      chatURL(),
      { model: 'chat', messages: hello, frobnicate: 1 },
      auth,
    );
    expect(result.status).toBe(400);
    expect(result.json().error).toMatchObject({
      type: 'invalid_request_error',
      param: 'frobnicate',
    });
  });

  it('400 for empty messages through the openai client', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'chat', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });

  it('400 for invalid JSON', async () => {
    const result = await postJson(chatURL(), '{"model":', auth);
    expect(result.status).toBe(400);
    expectShape(result.json(), 'invalid_json');
  });

  it('401 invalid_api_key for a wrong or missing gateway key', async () => {
    const wrong = new OpenAI({
      baseURL: `${stack.url}/v1`,
      apiKey: 'loom-wrong-key-000000',
      maxRetries: 0,
    });
    const error = await wrong.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await postJson(chatURL(), { model: 'chat', messages: hello });
    expect(missing.status).toBe(401);
    expectShape(missing.json(), 'invalid_api_key');
  });

  it('404 model_not_found for an unknown model', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('413 for a body over the limit', async () => {
    const big = [{ role: 'user', content: 'x'.repeat(20 * 1024) }];
    const result = await postJson(chatURL(), { model: 'chat', messages: big }, auth);
    expect(result.status).toBe(413);
    expectShape(result.json(), 'request_too_large');
  });

  it('404 for an unknown route and 405 for a wrong method', async () => {
    const missing = await fetch(`${stack.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expectShape(await missing.json(), 'unknown_url');
    const wrong = await fetch(chatURL(), { headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('400 and zero upstream requests for api_base in extra_body or at the top level', async () => {
    const body = {
      model: 'chat',
      messages: hello,
      extra_body: { api_base: 'http://169.254.169.254' },
    };
    const result = await postJson(chatURL(), body, auth);
    expect(result.status).toBe(400);
    expect(result.json().error).toMatchObject({
      param: 'extra_body.api_base',
      code: 'forbidden_parameter',
    });
    const top = await postJson(
      chatURL(),
      { ...body, extra_body: undefined, base_url: 'http://x' },
      auth,
    );
    expect(top.status).toBe(400);
    expect(chatRequests(stack.primary)).toHaveLength(0);
    expect(chatRequests(stack.backup)).toHaveLength(0);
  });

  it('429 with Retry-After when the only upstream rate-limits for long', async () => {
    stack.primary.inject({
      fault: {
        type: 'status',
        status: 429,
        headers: { 'retry-after': '120' },
        body: {
          error: {
            message: 'Rate limit reached',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
      },
      path: '/v1/chat/completions',
      times: 5,
    });
    const result = await postJson(chatURL(), { model: 'solo', messages: hello }, auth);
    expect(result.status).toBe(429);
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
    expect(result.json().error.type).toBe('rate_limit_error');
    expect(result.text).not.toContain('sk-upstream-primary-key');
  });

  it('503 no_healthy_provider with Retry-After once the only deployment is open', async () => {
    stack.primary.inject({ fault: { type: 'status', status: 500 }, path: '/v1/chat/completions' });
    await postJson(chatURL(), { model: 'solo', messages: hello }, auth);
    const result = await postJson(chatURL(), { model: 'solo', messages: hello }, auth);
    expect(result.status).toBe(503);
    expectShape(result.json(), 'no_healthy_provider');
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
