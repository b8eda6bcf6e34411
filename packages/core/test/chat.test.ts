import { describe, expect, it } from 'vitest';
import {
  Cancellation,
  ConnectionError,
  createKernel,
  definePlugin,
  InvalidRequestError,
  LoomError,
  ProviderCallError,
} from '../src/index.js';
import { fakeProvider, reply, wait } from './fixtures/fake-provider.js';

const ask = (model = 'chat', content = 'hi') => ({
  model,
  messages: [{ role: 'user' as const, content }],
});

describe('kernel.chat', () => {
  it('works with zero plugins: starts, reports stats, and says which models exist', async () => {
    const kernel = createKernel();
    await kernel.start();
    expect(kernel.stats().requests).toEqual({ total: 0, succeeded: 0, failed: 0, inFlight: 0 });
    await expect(kernel.chat(ask('gpt-4o'))).rejects.toMatchObject({
      code: 'model_not_found',
      statusCode: 404,
    });
    await kernel.stop();
  });

  it('serves an alias from its first deployment, with the upstream model id', async () => {
    const provider = fakeProvider('openai');
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['openai/gpt-4o-mini'] }],
    });
    const response = await kernel.chat(ask());
    expect(response.message.content).toBe('echo openai');
    expect(response.loom).toMatchObject({ deployment: { id: 'openai/gpt-4o-mini' }, attempts: 1 });
    expect(provider.calls[0]?.request.model).toBe('gpt-4o-mini');
  });

  it('routes providerId/model directly, keeping slashes in the model id, and honours defaultProvider', async () => {
    const provider = fakeProvider('gpu');
    const kernel = createKernel({ providers: [provider], defaultProvider: 'gpu' });
    await kernel.chat(ask('gpu/meta-llama/Llama-3.1-8B-Instruct'));
    await kernel.chat(ask('llama3.2'));
    expect(provider.calls.map((call) => call.request.model)).toEqual([
      'meta-llama/Llama-3.1-8B-Instruct',
      'llama3.2',
    ]);
  });

  it('rejects a bad request with every bad path named and never calls a provider', async () => {
    const provider = fakeProvider('p');
    const kernel = createKernel({ providers: [provider], defaultProvider: 'p' });
    const bad = {
      model: 'm',
      messages: [{ role: 'robot', content: 'x' }],
      temperature: 7,
      max_tokens: 5,
    };
    const error = await kernel.chat(bad as never).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    const paths = (error as InvalidRequestError).issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['messages.0.role', 'temperature', '']));
    expect((error as InvalidRequestError).message).toMatch(/^Invalid request at /);
    expect(provider.calls).toHaveLength(0);
  });

  it('fails over to the next deployment on a retryable error', async () => {
    const first = fakeProvider('a', {
      chat: [async () => Promise.reject(new ConnectionError({ provider: 'a' }))],
    });
    const second = fakeProvider('b');
    const kernel = createKernel({
      providers: [first, second],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    const response = await kernel.chat(ask());
    expect(response.message.content).toBe('echo b');
    expect(response.loom.attempts).toBe(2);
    expect(kernel.stats().deployments['a/m']).toMatchObject({
      attempts: 1,
      failures: 1,
      errors: { connection_failed: 1 },
    });
  });

  it('passes a non-retryable error through unchanged without trying the next deployment', async () => {
    const badRequest = new ProviderCallError({
      provider: 'a',
      message: 'bad schema',
      upstreamStatus: 400,
    });
    const first = fakeProvider('a', { chat: [async () => Promise.reject(badRequest)] });
    const second = fakeProvider('b');
    const kernel = createKernel({
      providers: [first, second],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    await expect(kernel.chat(ask())).rejects.toBe(badRequest);
    expect(second.calls).toHaveLength(0);
  });

  it('lists every attempt when all deployments fail (all_providers_failed)', async () => {
    const failing = (id: string) =>
      fakeProvider(id, {
        chat: [
          async () =>
            Promise.reject(
              new ProviderCallError({ provider: id, message: 'boom', upstreamStatus: 503 }),
            ),
        ],
      });
    const kernel = createKernel({
      providers: [failing('a'), failing('b')],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
      // Failing over to b is not a retry; no retry of a tried deployment after it.
      routing: { retries: 0 },
    });
    const error = await kernel.chat(ask()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'all_providers_failed',
      statusCode: 503,
      isRetryable: true,
    });
    expect((error as { attempts: unknown[] }).attempts).toHaveLength(2);
  });

  it('answers no_healthy_provider at once when admission removes every candidate', async () => {
    const provider = fakeProvider('a');
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    }).use(
      definePlugin({
        name: 'local-only',
        setup: (api) =>
          api.addHooks({
            beforeRequest: (context) =>
              context.narrow(() => false, 'local-only: no local deployment'),
          }),
      }),
    );
    await expect(kernel.chat(ask())).rejects.toMatchObject({
      code: 'no_healthy_provider',
      statusCode: 503,
      retryAfterMs: 1000,
      message: expect.stringContaining('local-only: no local deployment'),
    });
    expect(provider.calls).toHaveLength(0);
  });

  it('lets admission reject with its own error, and turns a non-Loom throw into plugin_error', async () => {
    const budget = new LoomError({
      code: 'budget_exceeded',
      statusCode: 429,
      message: 'daily budget spent',
    });
    const make = (hook: () => void) =>
      createKernel({ providers: [fakeProvider('a')], defaultProvider: 'a' }).use(
        definePlugin({ name: 'gate', setup: (api) => api.addHooks({ beforeRequest: hook }) }),
      );
    await expect(
      make(() => {
        throw budget;
      }).chat(ask('m')),
    ).rejects.toBe(budget);
    await expect(
      make(() => {
        throw new Error('oops');
      }).chat(ask('m')),
    ).rejects.toMatchObject({ code: 'plugin_error', plugin: 'gate' });
  });

  it('runs afterResponse and onError exactly once, and reports their failures without failing the request', async () => {
    const calls: string[] = [];
    const reported: string[] = [];
    const provider = fakeProvider('a', {
      chat: [
        async () => reply('ok'),
        async () =>
          Promise.reject(
            new ProviderCallError({ provider: 'a', message: 'no', upstreamStatus: 400 }),
          ),
      ],
    });
    const kernel = createKernel({ providers: [provider], defaultProvider: 'a' }).use(
      definePlugin({
        name: 'observer',
        setup: (api) =>
          api.addHooks({
            afterResponse(_context, result) {
              calls.push(`after ${result.usage.totalTokens}`);
              throw new Error('ledger down');
            },
            onError: (_context, error) => void calls.push(`error ${error.statusCode}`),
          }),
      }),
    );
    kernel.events.on('listener:error', (event) => reported.push(event.event));
    await expect(kernel.chat(ask('m'))).resolves.toMatchObject({ message: { content: 'ok' } });
    await expect(kernel.chat(ask('m'))).rejects.toMatchObject({ statusCode: 400 });
    expect(calls).toEqual(['after 5', 'error 400']);
    expect(reported).toEqual(['observer:afterResponse']);
  });

  it('aborts the upstream call when the caller aborts (aborted)', async () => {
    const provider = fakeProvider('a', {
      chat: [
        async (_request, context) => {
          await wait(5_000, context.signal);
          return reply('late');
        },
      ],
    });
    const kernel = createKernel({ providers: [provider], defaultProvider: 'a' });
    const controller = new AbortController();
    const pending = kernel.chat(ask('m'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'aborted', statusCode: 499 });
    expect(provider.calls[0]?.aborted).toBe(true);
  });

  it('aborts the upstream call through a Cancellation as through a signal, and ignores a late abort', async () => {
    const provider = fakeProvider('a', {
      chat: [
        async (_request, context) => {
          await wait(5_000, context.signal);
          return reply('late');
        },
        async () => reply('fine'),
        async () => reply('never'),
      ],
    });
    const kernel = createKernel({ providers: [provider], defaultProvider: 'a' });
    const cancellation = new Cancellation();
    const gone = new Error('client disconnected');
    const pending = kernel.chat(ask('m'), { cancellation });
    setTimeout(() => cancellation.abort(gone), 20);
    await expect(pending).rejects.toMatchObject({ code: 'aborted', statusCode: 499, cause: gone });
    expect(provider.calls[0]?.aborted).toBe(true);

    const late = new Cancellation();
    await expect(kernel.chat(ask('m'), { cancellation: late })).resolves.toMatchObject({
      message: { content: 'fine' },
    });
    late.abort(gone);
    expect(provider.calls[1]?.aborted).toBe(false);

    // Aborted before the call: the request fails without reaching the provider.
    await expect(kernel.chat(ask('m'), { cancellation: late })).rejects.toMatchObject({
      code: 'aborted',
      cause: gone,
    });
    expect(provider.calls).toHaveLength(2);
  });

  it('keeps the overall deadline even when a provider ignores its signal (timeout)', async () => {
    const deaf = fakeProvider('a', {
      chat: [() => new Promise((resolve) => setTimeout(() => resolve(reply('late')), 2_000))],
    });
    const kernel = createKernel({ providers: [deaf], defaultProvider: 'a', timeoutMs: 50 });
    const started = performance.now();
    await expect(kernel.chat(ask('m'))).rejects.toMatchObject({
      code: 'timeout',
      phase: 'deadline',
      isRetryable: false,
    });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(deaf.calls[0]?.aborted).toBe(true);
  });
});

describe('kernel.embed', () => {
  it('turns a single string into one input and skips providers without embeddings', async () => {
    const chatOnly = fakeProvider('chat-only', { embed: false });
    const embedder = fakeProvider('embedder');
    const kernel = createKernel({
      providers: [chatOnly, embedder],
      models: [{ name: 'embed', targets: ['chat-only/m', 'embedder/e'] }],
    });
    const response = await kernel.embed({ model: 'embed', input: 'hello' });
    expect(response.embeddings).toEqual([[0.1, 0.2]]);
    expect(embedder.calls[0]?.request).toMatchObject({ model: 'e', input: ['hello'] });
  });

  it('says so when no deployment supports embeddings (unsupported_operation)', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a', { embed: false })],
      defaultProvider: 'a',
    });
    await expect(kernel.embed({ model: 'm', input: ['x'] })).rejects.toMatchObject({
      code: 'unsupported_operation',
      message: expect.stringContaining("Model 'm' has no deployment that supports embeddings"),
    });
  });
});
