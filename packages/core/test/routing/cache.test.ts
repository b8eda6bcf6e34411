import { describe, expect, it } from 'vitest';
import { type ChatStreamPart, createKernel, ProviderCallError } from '../../src/index.js';
import { fakeProvider, reply, textStream, wait } from '../fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };
const collect = async (stream: AsyncIterable<ChatStreamPart>) => {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
};
const down = (id: string) => () =>
  Promise.reject(new ProviderCallError({ provider: id, message: 'down', upstreamStatus: 503 }));

describe('response cache', () => {
  it('answers an identical request from the cache, whoever asks, and can be bypassed', async () => {
    const a = fakeProvider('a');
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      cache: { ttlMs: 60_000 },
    });
    const first = await kernel.chat(ask);
    const second = await kernel.chat({ ...ask, metadata: { user: 'someone-else' } });
    expect(second.message).toEqual(first.message);
    expect(second.loom).toMatchObject({ cached: true, deployment: { id: 'a/m' } });
    expect(a.calls).toHaveLength(1);
    await kernel.chat(ask, { cache: false });
    await kernel.chat({ ...ask, temperature: 0.5 });
    expect(a.calls).toHaveLength(3);
    expect(kernel.stats().cache).toEqual({ hits: 1, misses: 2, shared: 0 });
  });

  it('reports every lookup as a cache:lookup event, and marks a replayed stream as cached', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a')],
      models: [{ name: 'chat', targets: ['a/m'] }],
      cache: {},
    });
    const lookups: Array<{ operation: string; hit: boolean; requestId?: string }> = [];
    kernel.events.on('cache:lookup', (event) => lookups.push(event));
    await kernel.chat(ask);
    const hit = await kernel.chat(ask, { requestId: 'mine' });
    const live = await kernel.stream({ ...ask, seed: 2 });
    await collect(live);
    const replay = await kernel.stream({ ...ask, seed: 2 });
    await collect(replay);
    await kernel.chat(ask, { cache: false });
    expect(lookups.map(({ operation, hit }) => `${operation}:${hit}`)).toEqual([
      'chat:false',
      'chat:true',
      'stream:false',
      'stream:true',
    ]);
    expect(lookups[1]).toMatchObject({
      requestId: 'mine',
      model: 'chat',
      deployment: { id: 'a/m' },
    });
    expect(hit.loom.requestId).toBe('mine');
    expect(live.cached).toBeUndefined();
    expect(replay.cached).toBe(true);
    expect(replay.requestId).toBe(lookups[3]?.requestId);
  });

  it('expires entries after their TTL', async () => {
    let now = 1_000;
    const a = fakeProvider('a');
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      cache: { ttlMs: 100 },
      now: () => now,
    });
    await kernel.chat(ask);
    now += 101;
    await kernel.chat(ask);
    expect(a.calls).toHaveLength(2);
  });

  it('never caches an error or a cut stream, and replays a cached stream as a stream', async () => {
    async function* cut() {
      yield* textStream(['x']).slice(0, 2);
    }
    const a = fakeProvider('a', { chat: [down('a')], stream: [cut] });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      cache: {},
      routing: { retries: 0 },
    });
    await expect(kernel.chat(ask)).rejects.toMatchObject({ statusCode: 503 });
    await expect(kernel.chat(ask)).resolves.toMatchObject({ loom: { attempts: 1 } });
    await expect(collect(await kernel.stream({ ...ask, seed: 1 }))).rejects.toMatchObject({
      code: 'malformed_response',
    });
    const live = await collect(await kernel.stream({ ...ask, seed: 1 }));
    const replay = await kernel.stream({ ...ask, seed: 1 });
    const replayed = await collect(replay);
    expect(a.calls.filter((c) => c.operation === 'stream')).toHaveLength(2);
    expect(replayed.map((p) => p.type)).toEqual([
      'response-metadata',
      'text-delta',
      'usage',
      'finish',
    ]);
    const text = (parts: ChatStreamPart[]) =>
      parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
    expect(text(replayed)).toBe(text(live));
  });
});

describe('single-flight', () => {
  it('collapses identical concurrent requests into one upstream call', async () => {
    const a = fakeProvider('a', {
      chat: [(_r, c) => wait(50, c.signal).then(() => reply('once'))],
    });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      singleFlight: true,
    });
    const responses = await Promise.all(Array.from({ length: 100 }, () => kernel.chat(ask)));
    expect(a.calls).toHaveLength(1);
    expect(responses.every((r) => r.message.content === 'once')).toBe(true);
    expect(responses.filter((r) => r.loom.shared)).toHaveLength(99);
    expect(new Set(responses.map((r) => r.loom.requestId)).size).toBe(100);
  });

  it("does not fail followers when the leader's caller aborts", async () => {
    const a = fakeProvider('a', {
      chat: [
        (_r, c) => wait(200, c.signal).then(() => reply('first')),
        (_r, c) => wait(20, c.signal).then(() => reply('second')),
      ],
    });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      singleFlight: true,
    });
    await kernel.start();
    const controller = new AbortController();
    const leader = kernel.chat(ask, { signal: controller.signal });
    const follower = kernel.chat(ask);
    controller.abort();
    await expect(leader).rejects.toMatchObject({ code: 'aborted' });
    await expect(follower).resolves.toMatchObject({ message: { content: 'second' } });
  });
});

describe('degraded response', () => {
  it('answers with the configured message when every deployment fails, marked degraded', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a', { chat: [down('a')] })],
      models: [{ name: 'chat', targets: ['a/m'] }],
      routing: { retries: 0 },
      degraded: { mode: 'message', message: 'The assistant is busy; try again in a minute.' },
    });
    const response = await kernel.chat(ask);
    expect(response).toMatchObject({
      message: { content: 'The assistant is busy; try again in a minute.' },
      loom: { degraded: true },
    });
  });

  it('prefers the last good answer to the same request, and never degrades a bad request', async () => {
    const a = fakeProvider('a', { chat: [async () => reply('good answer'), down('a')] });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      routing: { retries: 0 },
      cache: { ttlMs: 60_000 },
      degraded: { mode: 'cached', message: 'fallback' },
    });
    await kernel.chat(ask);
    const response = await kernel.chat(ask, { cache: false });
    expect(response).toMatchObject({
      message: { content: 'good answer' },
      loom: { degraded: true, cached: true },
    });
    await expect(kernel.chat({ ...ask, temperature: 9 })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});

describe('embedding micro-batching', () => {
  it('coalesces concurrent embed calls to one deployment and splits the vectors back', async () => {
    const a = fakeProvider('a');
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'embed', targets: ['a/e'] }],
      embeddingBatching: { windowMs: 20, maxInputs: 64 },
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        kernel.embed({ model: 'embed', input: i % 2 ? ['one', 'two'] : 'solo' }),
      ),
    );
    const embedCalls = a.calls.filter((c) => c.operation === 'embed');
    expect(embedCalls).toHaveLength(1);
    expect((embedCalls[0]!.request as { input: string[] }).input).toHaveLength(15);
    expect(results.map((r) => r.embeddings.length)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    const tokens = results.reduce((sum, r) => sum + r.usage.inputTokens, 0);
    expect(tokens).toBe(15);
  });

  it('starts a new batch when the maximum is reached', async () => {
    const a = fakeProvider('a');
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'embed', targets: ['a/e'] }],
      embeddingBatching: { windowMs: 50, maxInputs: 4 },
    });
    await Promise.all(
      Array.from({ length: 8 }, () => kernel.embed({ model: 'embed', input: 'x' })),
    );
    expect(
      a.calls
        .filter((c) => c.operation === 'embed')
        .map((c) => (c.request as { input: string[] }).input.length),
    ).toEqual([4, 4]);
  });
});
