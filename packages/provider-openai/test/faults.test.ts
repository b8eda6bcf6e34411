import {
  Cancellation,
  ConnectionError,
  createKernel,
  LoomError,
  MalformedResponseError,
  ModelNotFoundError,
  ProviderCallError,
  TimeoutError,
} from '@loom/core';
import { type Fault, type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOpenAI, type OpenAIProvider } from '../src/index.js';
import { ask, callContext, collect, rejectionOf } from './helpers.js';

let upstream: SimulatedUpstream;
let provider: OpenAIProvider;

beforeAll(async () => {
  upstream = await startOpenAIServer({ tokensPerSecond: 200 });
  provider = createOpenAI({
    baseURL: upstream.baseURL,
    apiKey: 'sk-test',
    headersTimeoutMs: 400,
    bodyTimeoutMs: 300,
  });
});

afterEach(() => upstream.clearFaults());

afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});

function chatFails(fault: Fault) {
  upstream.inject({ fault, times: 1 });
  return rejectionOf(provider.doChat(ask('hello there'), callContext()));
}

function streamFails(fault: Fault) {
  upstream.inject({ fault, times: 1 });
  return rejectionOf(collect(provider, ask('one two three four five six seven eight')));
}

const status = (code: number, extra: Partial<Fault & { type: 'status' }> = {}): Fault => ({
  type: 'status',
  status: code,
  ...extra,
});

describe('HTTP status faults follow the error table', () => {
  it.each([
    [400, 'bad_request', false],
    [413, 'bad_request', false],
    [422, 'bad_request', false],
    [401, 'authentication_failed', true],
    [403, 'permission_denied', true],
    [408, 'provider_error', true],
    [409, 'provider_error', true],
    [429, 'rate_limited', true],
    [500, 'provider_error', true],
    [502, 'provider_error', true],
    [503, 'provider_unavailable', true],
    [504, 'provider_error', true],
  ])('%i -> %s (retryable %s)', async (code, loomCode, retryable) => {
    for (const run of [chatFails, streamFails]) {
      const error = await run(status(code));
      expect(ProviderCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: loomCode, isRetryable: retryable, statusCode: code });
    }
  });

  it('404 -> ModelNotFoundError with the provider', async () => {
    const error = await chatFails(status(404));
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', isRetryable: true, model: 'gpt-4o-mini' });
  });

  it('400 context_length_exceeded -> context_length_exceeded, not retryable', async () => {
    const body = {
      error: {
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    };
    const error = await chatFails(status(400, { body }));
    expect(error).toMatchObject({ code: 'context_length_exceeded', isRetryable: false });
  });

  it('429 reads Retry-After seconds, retry-after-ms first, and HTTP dates', async () => {
    expect(await chatFails(status(429, { headers: { 'Retry-After': '2' } }))).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 2000,
    });
    const both = status(429, { headers: { 'retry-after-ms': '150', 'retry-after': '9' } });
    expect(await chatFails(both)).toMatchObject({ retryAfterMs: 150 });
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = (await chatFails(status(429, { headers: { 'retry-after': date } }))) as LoomError;
    expect(dated.retryAfterMs).toBeGreaterThan(25_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('429 insufficient_quota -> insufficient_quota without a retry hint', async () => {
    const body = {
      error: {
        message: 'You exceeded your current quota, please check your plan and billing details.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    };
    const error = await chatFails(status(429, { body, headers: { 'retry-after': '20' } }));
    expect(error).toMatchObject({ code: 'insufficient_quota', isRetryable: true });
    expect((error as LoomError).retryAfterMs).toBeUndefined();
  });

  it('503 keeps the retry hint', async () => {
    const error = await chatFails(status(503, { headers: { 'retry-after': '1' } }));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryAfterMs: 1000 });
  });

  it('uses a plain-text error body as the message', async () => {
    const error = await chatFails(status(502, { body: '<html>Bad gateway from the proxy</html>' }));
    expect((error as Error).message).toContain('Bad gateway from the proxy');
  });
});

describe('transport faults', () => {
  it('a reset before headers -> ConnectionError', async () => {
    expect(ConnectionError.isInstance(await chatFails({ type: 'reset' }))).toBe(true);
    expect(ConnectionError.isInstance(await streamFails({ type: 'reset' }))).toBe(true);
  });

  it('no headers in time -> TimeoutError attempt (chat) or first-chunk (stream)', async () => {
    const chat = await chatFails({ type: 'hang' });
    expect(TimeoutError.isInstance(chat) && chat.phase).toBe('attempt');
    const stream = await streamFails({ type: 'hang' });
    expect(TimeoutError.isInstance(stream) && stream.phase).toBe('first-chunk');
  });

  it('a first chunk later than headersTimeoutMs -> TimeoutError first-chunk', async () => {
    const error = await streamFails({ type: 'delay', ms: 1_500 });
    expect(TimeoutError.isInstance(error) && error.phase).toBe('first-chunk');
  });

  it('a stall mid-stream -> TimeoutError idle, after the first parts arrived', async () => {
    upstream.inject({ fault: { type: 'stall', afterChunks: 2 }, times: 1 });
    const { stream } = await provider.doStream(ask('one two three four five'), callContext());
    const seen: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const part of stream) seen.push(part.type);
      })(),
    );
    expect(seen).toContain('text-delta');
    expect(TimeoutError.isInstance(error) && error.phase).toBe('idle');
  });

  it('a stream cut before [DONE] -> a retryable cut error, never a clean end', async () => {
    const error = await streamFails({ type: 'cut', afterChunks: 2 });
    expect(MalformedResponseError.isInstance(error) || ConnectionError.isInstance(error)).toBe(
      true,
    );
    expect((error as LoomError).isRetryable).toBe(true);
  });

  it('an unparseable chunk -> MalformedResponseError', async () => {
    const error = await streamFails({ type: 'malformed', afterChunks: 1 });
    expect(MalformedResponseError.isInstance(error)).toBe(true);
  });

  it('an in-band error -> retryable ProviderCallError with the upstream message', async () => {
    const error = await streamFails({
      type: 'in-band-error',
      afterChunks: 2,
      message: 'The server had an error while processing your request.',
    });
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'provider_error', isRetryable: true });
    expect((error as Error).message).toContain('The server had an error');
  });

  it('connection refused -> ConnectionError', async () => {
    const gone = await startOpenAIServer();
    const baseURL = gone.baseURL;
    await gone.close();
    const orphan = createOpenAI({ baseURL, apiKey: 'sk-test' });
    const error = await rejectionOf(orphan.doChat(ask('hi'), callContext()));
    await orphan.close?.();
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'connection_failed', isRetryable: true });
  });
});

describe('aborts and release', () => {
  it('rejects with the signal reason and the upstream sees the abort', async () => {
    upstream.clearRequests();
    upstream.inject({ fault: { type: 'hang' }, times: 1 });
    const controller = new AbortController();
    const reason = new Error('caller went away');
    const pending = provider.doChat(ask('hi'), callContext(controller.signal));
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejectionOf(pending)).toBe(reason);
    await expect.poll(() => upstream.requests[0]?.aborted, { timeout: 2_000 }).toBe(true);
  });

  it("aborts through the kernel's Cancellation without making an AbortSignal", async () => {
    const signalReads = vi.spyOn(Cancellation.prototype, 'signal', 'get');
    // A provider of its own: stopping the kernel closes it.
    const own = createOpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-test' });
    // No health checks: the hang is for the chat.
    const kernel = createKernel({
      providers: [own],
      defaultProvider: own.id,
      health: { intervalMs: 0 },
    });
    try {
      upstream.clearRequests();
      upstream.inject({ fault: { type: 'hang' }, times: 1 });
      const cancellation = new Cancellation();
      const reason = new Error('client disconnected');
      const pending = kernel.chat(ask('hi'), { cancellation });
      setTimeout(() => cancellation.abort(reason), 50);
      expect(await rejectionOf(pending)).toMatchObject({ code: 'aborted', cause: reason });
      await expect.poll(() => upstream.requests[0]?.aborted, { timeout: 2_000 }).toBe(true);
      // Answered calls and embeddings through the kernel read no signal either.
      await kernel.chat(ask('hi'));
      await kernel.embed({ model: 'text-embedding-3-small', input: ['x'] });
      expect(signalReads).not.toHaveBeenCalled();
    } finally {
      signalReads.mockRestore();
      await kernel.stop({ drainTimeoutMs: 1_000 });
    }
  });

  it('rejects a stream mid-body with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop streaming');
    const { stream } = await provider.doStream(
      ask('a b c d e f g h i j k l m n o p q r s t u v w x y z'),
      callContext(controller.signal),
    );
    const error = await rejectionOf(
      (async () => {
        for await (const part of stream) if (part.type === 'text-delta') controller.abort(reason);
      })(),
    );
    expect(error).toBe(reason);
  });

  it('breaking out of a stream closes the upstream request', async () => {
    upstream.clearRequests();
    const { stream } = await provider.doStream(
      ask('a b c d e f g h i j k l m n o p q r s t u v w x y z'),
      callContext(),
    );
    for await (const part of stream) if (part.type === 'text-delta') break;
    await expect.poll(() => upstream.requests[0]?.aborted, { timeout: 2_000 }).toBe(true);
  });

  it('every failure is a LoomError', async () => {
    for (const fault of [status(500), { type: 'reset' } as Fault]) {
      expect(LoomError.isInstance(await chatFails(fault))).toBe(true);
    }
  });
});
