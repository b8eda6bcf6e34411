import { describe, expect, it } from 'vitest';
import {
  type ChatStreamPart,
  ConnectionError,
  createKernel,
  definePlugin,
  LoomError,
  ProviderCallError,
} from '../src/index.js';
import { fakeProvider, streamOf, textStream, usage } from './fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };

async function collect(stream: AsyncIterable<ChatStreamPart>) {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function* failingAfter(parts: ChatStreamPart[], error: Error) {
  yield* parts;
  throw error;
}

describe('kernel.stream', () => {
  it('passes chunks through in order and reports usage at the end', async () => {
    const provider = fakeProvider('a');
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const ends: unknown[] = [];
    kernel.events.on('request:end', (event) => ends.push(event.usage));
    const stream = await kernel.stream(ask);
    expect(stream.deployment.id).toBe('a/m');
    const parts = await collect(stream);
    expect(parts.map((part) => part.type)).toEqual([
      'response-metadata',
      'text-delta',
      'text-delta',
      'usage',
      'finish',
    ]);
    expect(ends).toEqual([usage(3, 2)]);
  });

  it('fails over invisibly when an attempt fails before its first chunk', async () => {
    const broken = fakeProvider('a', {
      stream: [() => failingAfter([], new ConnectionError({ provider: 'a' }))],
    });
    const healthy = fakeProvider('b');
    const kernel = createKernel({
      providers: [broken, healthy],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    const stream = await kernel.stream(ask);
    expect(stream.deployment.id).toBe('b/m');
    expect(stream.attempts.map((attempt) => attempt.error?.code)).toEqual(['connection_failed']);
    expect((await collect(stream)).at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('throws a failure after the first chunk to the consumer instead of ending cleanly', async () => {
    const cut = new ProviderCallError({
      provider: 'a',
      message: 'overloaded',
      upstreamStatus: 500,
    });
    const provider = fakeProvider('a', {
      stream: [() => failingAfter(textStream(['x']).slice(0, 2), cut)],
    });
    const fallback = fakeProvider('b');
    const kernel = createKernel({
      providers: [provider, fallback],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    const seen: string[] = [];
    const stream = await kernel.stream(ask);
    await expect(
      (async () => {
        for await (const part of stream) seen.push(part.type);
      })(),
    ).rejects.toBe(cut);
    expect(seen).toEqual(['response-metadata', 'text-delta']);
    expect(fallback.calls).toHaveLength(0);
  });

  it('treats a stream that ends without a finish part as cut (malformed_response)', async () => {
    const provider = fakeProvider('a', { stream: [() => streamOf(textStream(['x']).slice(0, 3))] });
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const stream = await kernel.stream(ask);
    await expect(collect(stream)).rejects.toMatchObject({
      code: 'malformed_response',
      message: expect.stringContaining('without a finish part'),
    });
  });

  it('aborts the upstream when the caller aborts mid-way', async () => {
    const provider = fakeProvider('a', {
      stream: [
        (_request, context) => streamOf(textStream(['a', 'b', 'c', 'd', 'e']), 30, context.signal),
      ],
    });
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const controller = new AbortController();
    const errors: string[] = [];
    kernel.events.on('request:end', (event) => errors.push(event.error?.code ?? 'none'));
    const stream = await kernel.stream(ask, { signal: controller.signal });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const part of stream) {
          seen.push(part.type);
          if (seen.length === 2) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(seen).toHaveLength(2);
    expect(provider.calls[0]?.aborted).toBe(true);
    expect(errors).toEqual(['aborted']);
  });

  it('treats a consumer that stops reading as a cancel: upstream aborted, request ended once', async () => {
    const provider = fakeProvider('a', {
      stream: [(_request, context) => streamOf(textStream(['a', 'b', 'c']), 5, context.signal)],
    });
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const ends: string[] = [];
    kernel.events.on('request:end', (event) => ends.push(`${event.outcome}:${event.error?.code}`));
    const stream = await kernel.stream(ask);
    for await (const part of stream) if (part.type === 'text-delta') break;
    expect(provider.calls[0]?.aborted).toBe(true);
    expect(ends).toEqual(['error:aborted']);
    expect(kernel.stats().requests.inFlight).toBe(0);
  });

  it('ends iteration quietly after cancel()', async () => {
    const provider = fakeProvider('a', {
      stream: [(_request, context) => streamOf(textStream(['a', 'b', 'c']), 20, context.signal)],
    });
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const stream = await kernel.stream(ask);
    const seen: string[] = [];
    for await (const part of stream) {
      seen.push(part.type);
      stream.cancel('user pressed stop');
    }
    expect(seen).toEqual(['response-metadata']);
    expect(provider.calls[0]?.aborted).toBe(true);
  });

  it('lets a wrapStream hook meter a stream and cut it with its own error', async () => {
    const limit = new LoomError({
      code: 'budget_exceeded',
      statusCode: 429,
      message: 'stream would pass the budget',
    });
    const metered: number[] = [];
    const kernel = createKernel({
      providers: [
        fakeProvider('a', { stream: [() => streamOf(textStream(['a', 'b', 'c', 'd']))] }),
      ],
      models: [{ name: 'chat', targets: ['a/m'] }],
    }).use(
      definePlugin({
        name: 'meter',
        setup: (api) =>
          api.addHooks({
            async *wrapStream(_context, stream) {
              let deltas = 0;
              for await (const part of stream) {
                if (part.type === 'text-delta' && ++deltas > 2) throw limit;
                metered.push(deltas);
                yield part;
              }
            },
          }),
      }),
    );
    const stream = await kernel.stream(ask);
    await expect(collect(stream)).rejects.toBe(limit);
    expect(metered).toEqual([0, 1, 2]);
  });

  it('ends a stream nobody reads when the kernel stops', async () => {
    const provider = fakeProvider('a', {
      stream: [(_r, context) => streamOf(textStream(['a']), 10, context.signal)],
    });
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const stream = await kernel.stream(ask);
    await kernel.stop({ drainTimeoutMs: 20 });
    expect(kernel.stats().requests.inFlight).toBe(0);
    await expect(collect(stream)).rejects.toMatchObject({ code: 'kernel_stopped' });
  });
});
