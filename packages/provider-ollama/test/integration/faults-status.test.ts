import {
  ConnectionError,
  LoomError,
  ModelNotFoundError,
  ProviderCallError,
  TimeoutError,
} from '@loom/core';
import type { Fault } from '@loom/testkit';
import { describe, expect, it } from 'vitest';
import { callContext, chatRequest, readAll, rejection, setup } from '../helpers/harness.js';

const fast = { headersTimeoutMs: 400, bodyTimeoutMs: 400, coldStartTimeoutMs: 5_000 };

type Operation = 'doChat' | 'doStream';
const operations: Operation[] = ['doChat', 'doStream'];

async function failWith(fault: Fault, operation: Operation, settings = fast) {
  const { server, provider } = await setup({ loaded: ['llama3.2'] }, settings);
  server.inject({ fault, path: '/api/chat' });
  const started = Date.now();
  const error = await rejection(
    operation === 'doChat'
      ? provider.doChat(chatRequest(), callContext())
      : readAll(provider, chatRequest()),
  );
  expect(LoomError.isInstance(error)).toBe(true);
  return { error: error as LoomError, elapsed: Date.now() - started, server };
}

describe.each(operations)('%s: status faults follow the error table', (operation) => {
  it.each([
    [400, undefined, 'bad_request', false],
    [
      400,
      { error: 'the input length exceeds the context length' },
      'context_length_exceeded',
      false,
    ],
    [401, undefined, 'authentication_failed', true],
    [403, undefined, 'permission_denied', true],
    [408, undefined, 'provider_error', true],
    [409, undefined, 'provider_error', true],
    [413, undefined, 'bad_request', false],
    [422, undefined, 'bad_request', false],
    [429, undefined, 'rate_limited', true],
    [500, undefined, 'provider_error', true],
    [502, undefined, 'provider_error', true],
    [503, undefined, 'provider_unavailable', true],
    [504, undefined, 'provider_error', true],
  ])('%i %j → %s', async (status, body, code, isRetryable) => {
    const fault: Fault =
      body === undefined ? { type: 'status', status } : { type: 'status', status, body };
    const { error } = await failWith(fault, operation);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code, isRetryable, statusCode: status, provider: 'ollama' });
  });

  it('404 for an unknown model → ModelNotFoundError with the provider', async () => {
    const { provider } = await setup({}, fast);
    const request = chatRequest('hi', { model: 'no-such-model' });
    const error = await rejection(
      operation === 'doChat' ? provider.doChat(request, callContext()) : readAll(provider, request),
    );
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'ollama', model: 'no-such-model', isRetryable: true });
  });

  it('429 with Retry-After seconds, an HTTP date, and retry-after-ms winning', async () => {
    const seconds = await failWith(
      { type: 'status', status: 429, headers: { 'Retry-After': '2' } },
      operation,
    );
    expect(seconds.error.retryAfterMs).toBe(2_000);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = await failWith(
      { type: 'status', status: 429, headers: { 'Retry-After': date } },
      operation,
    );
    expect(dated.error.retryAfterMs).toBeGreaterThan(25_000);
    expect(dated.error.retryAfterMs).toBeLessThanOrEqual(30_000);
    const both = await failWith(
      { type: 'status', status: 503, headers: { 'retry-after': '9', 'retry-after-ms': '120' } },
      operation,
    );
    expect(both.error).toMatchObject({ code: 'provider_unavailable', retryAfterMs: 120 });
  });

  it('429 insufficient_quota → no retry hint', async () => {
    const body = {
      error: {
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      },
    };
    const { error } = await failWith(
      { type: 'status', status: 429, body, headers: { 'retry-after': '5' } },
      operation,
    );
    expect(error).toMatchObject({ code: 'insufficient_quota', isRetryable: true });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('reset before headers → ConnectionError', async () => {
    const { error } = await failWith({ type: 'reset' }, operation);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
  });

  it('hang → TimeoutError within about headersTimeoutMs', async () => {
    const { error, elapsed, server } = await failWith({ type: 'hang' }, operation);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      phase: operation === 'doChat' ? 'attempt' : 'first-chunk',
      timeoutMs: 400,
      isRetryable: true,
    });
    expect(elapsed).toBeLessThan(2_500);
    await expect
      .poll(() => server.requests.find((request) => request.path === '/api/chat')?.aborted)
      .toBe(true);
  });

  it('hang on every path still times out promptly', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, fast);
    server.inject({ fault: { type: 'hang' } });
    const started = Date.now();
    const error = await rejection(
      operation === 'doChat'
        ? provider.doChat(chatRequest(), callContext())
        : readAll(provider, chatRequest()),
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('a delay longer than headersTimeoutMs → TimeoutError; a shorter one succeeds', async () => {
    const { error } = await failWith({ type: 'delay', ms: 1_500 }, operation);
    expect(TimeoutError.isInstance(error)).toBe(true);
    const { server, provider } = await setup(
      { loaded: ['llama3.2'] },
      { ...fast, headersTimeoutMs: 2_000 },
    );
    server.inject({ fault: { type: 'delay', ms: 200 }, path: '/api/chat' });
    const ok =
      operation === 'doChat'
        ? await provider.doChat(chatRequest('fine'), callContext())
        : await readAll(provider, chatRequest('fine'));
    expect(ok).toBeTruthy();
  });
});
