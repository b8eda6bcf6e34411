import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKernel, LoomError, ProviderCallError, TimeoutError } from '../../src/index.js';
import { fakeProvider, reply, streamOf, textStream, wait } from '../fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };
const status = (
  provider: string,
  upstreamStatus: number,
  extra: Partial<{ code: string; retryAfterMs: number }> = {},
) =>
  new ProviderCallError({ provider, message: `HTTP ${upstreamStatus}`, upstreamStatus, ...extra });
const failWith = (error: () => Error) => () => Promise.reject(error());

afterEach(() => {
  vi.useRealTimers();
});

describe('retries and failover', () => {
  it('switches to another healthy deployment with no delay', async () => {
    vi.useFakeTimers();
    const a = fakeProvider('a', { chat: [failWith(() => status('a', 503))] });
    const b = fakeProvider('b');
    const kernel = createKernel({
      providers: [a, b],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    // No timer is advanced: a backoff would hang here.
    const response = await kernel.chat(ask);
    expect(response.loom).toMatchObject({ deployment: { id: 'b/m' }, attempts: 2 });
  });

  it('retries the only deployment after a jittered backoff: 5xx twice, then 200', async () => {
    vi.useFakeTimers();
    const a = fakeProvider('a', {
      chat: [failWith(() => status('a', 500)), failWith(() => status('a', 503))],
    });
    const kernel = createKernel({ providers: [a], models: [{ name: 'chat', targets: ['a/m'] }] });
    const pending = kernel.chat(ask);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(pending).resolves.toMatchObject({ loom: { attempts: 3 } });
    expect(a.calls).toHaveLength(3);
  });

  it('waits for Retry-After before retrying the same deployment, and not longer than the cap', async () => {
    vi.useFakeTimers();
    const a = fakeProvider('a', {
      chat: [failWith(() => status('a', 429, { code: 'rate_limited', retryAfterMs: 2_000 }))],
    });
    const kernel = createKernel({ providers: [a], models: [{ name: 'chat', targets: ['a/m'] }] });
    let settled = false;
    const pending = kernel.chat(ask).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(1_900);
    expect(settled).toBe(false);
    expect(a.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(pending).resolves.toBeDefined();

    const capped = fakeProvider('c', {
      chat: [failWith(() => status('c', 429, { code: 'rate_limited', retryAfterMs: 120_000 }))],
    });
    const other = createKernel({
      providers: [capped],
      models: [{ name: 'chat', targets: ['c/m'] }],
    });
    await expect(other.chat(ask)).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 120_000,
    });
    expect(capped.calls).toHaveLength(1);
  });

  it('fails over at once on insufficient_quota and rests that deployment', async () => {
    vi.useFakeTimers();
    const a = fakeProvider('a', {
      chat: [failWith(() => status('a', 429, { code: 'insufficient_quota' }))],
    });
    const b = fakeProvider('b');
    const kernel = createKernel({
      providers: [a, b],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    await expect(kernel.chat(ask)).resolves.toMatchObject({ loom: { deployment: { id: 'b/m' } } });
    await kernel.chat(ask);
    expect(a.calls).toHaveLength(1);
    expect(
      kernel.getProviderStats().deployments.find((d) => d.deployment.id === 'a/m')?.cooldownUntil,
    ).toBeGreaterThan(Date.now());
  });

  it('cools a deployment after 401 / 403 / 404 and never retries it within the request', async () => {
    for (const [code, upstream] of [
      ['authentication_failed', 401],
      ['permission_denied', 403],
    ] as const) {
      const a = fakeProvider('a', { chat: [failWith(() => status('a', upstream, { code }))] });
      const b = fakeProvider('b');
      const kernel = createKernel({
        providers: [a, b],
        models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
      });
      await kernel.chat(ask);
      await kernel.chat(ask);
      expect(a.calls).toHaveLength(1);
      expect(b.calls).toHaveLength(2);
    }
    const lonely = fakeProvider('a', {
      chat: [failWith(() => status('a', 401, { code: 'authentication_failed' }))],
    });
    const kernel = createKernel({
      providers: [lonely],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    await expect(kernel.chat(ask)).rejects.toMatchObject({ statusCode: 401 });
    expect(lonely.calls).toHaveLength(1);
  });

  it('passes 400 / 422 through unchanged without touching the breaker', async () => {
    const bad = status('a', 422, { code: 'bad_request' });
    const a = fakeProvider('a', { chat: Array.from({ length: 10 }, () => failWith(() => bad)) });
    const b = fakeProvider('b');
    const kernel = createKernel({
      providers: [a, b],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    for (let i = 0; i < 10; i++) await expect(kernel.chat(ask)).rejects.toBe(bad);
    expect(b.calls).toHaveLength(0);
    expect(kernel.getProviderStats().deployments[0]).toMatchObject({
      circuit: 'closed',
      errors: { bad_request: 10 },
    });
  });

  it('falls back after context_length_exceeded only to a larger context window', async () => {
    const tooLong = () => status('small', 400, { code: 'context_length_exceeded' });
    const small = fakeProvider('small', { chat: [failWith(tooLong)] });
    const tiny = fakeProvider('tiny');
    const large = fakeProvider('large');
    const kernel = createKernel({
      providers: [small, tiny, large],
      models: [
        {
          name: 'chat',
          targets: [
            { provider: 'small', model: 'm', contextWindow: 8_000 },
            { provider: 'tiny', model: 'm', contextWindow: 4_000 },
            { provider: 'large', model: 'm', contextWindow: 128_000 },
          ],
        },
      ],
    });
    await expect(kernel.chat(ask)).resolves.toMatchObject({
      loom: { deployment: { id: 'large/m' } },
    });
    expect(tiny.calls).toHaveLength(0);
  });

  it('times out a silent attempt, aborts it upstream and fails over within the deadline', async () => {
    const hung = fakeProvider('a', {
      chat: [(_r, context) => wait(60_000, context.signal).then(() => reply('late'))],
    });
    const b = fakeProvider('b');
    const kernel = createKernel({
      providers: [hung, b],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
      routing: { attemptTimeoutMs: 50, timeoutMs: 5_000 },
    });
    const response = await kernel.chat(ask);
    expect(response.loom.deployment.id).toBe('b/m');
    expect(hung.calls[0]?.aborted).toBe(true);
    expect(response.loom.attempts).toBe(2);
  });

  it('cuts a stalled stream with an idle timeout thrown to the consumer, and aborts the upstream', async () => {
    async function* stall(signal: AbortSignal) {
      yield* textStream(['a']).slice(0, 2);
      await wait(60_000, signal);
    }
    const a = fakeProvider('a', { stream: [(_r, context) => stall(context.signal)] });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      routing: { idleTimeoutMs: 50 },
    });
    const stream = await kernel.stream(ask);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const part of stream) seen.push(part.type);
    })().catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ phase: 'idle' });
    expect(seen).toEqual(['response-metadata', 'text-delta']);
    expect(a.calls[0]?.aborted).toBe(true);
  });

  it('measures the idle timeout from the last chunk, so a long steady stream is not cut', async () => {
    const words = Array.from({ length: 12 }, (_, index) => `w${index} `);
    const steady = fakeProvider('a', {
      stream: [(_r, context) => streamOf(textStream(words), 25, context.signal)],
    });
    const kernel = createKernel({
      providers: [steady],
      models: [{ name: 'chat', targets: ['a/m'] }],
      routing: { idleTimeoutMs: 80, firstTokenTimeoutMs: 80 },
    });
    let text = '';
    for await (const part of await kernel.stream(ask)) {
      if (part.type === 'text-delta') text += part.delta;
    }
    // 12 words 25 ms apart: five times the idle limit in all, never more than a third of it idle.
    expect(text).toBe(words.join(''));
    expect(steady.calls[0]?.aborted).toBe(false);
  });

  it('fails over when the first chunk takes longer than the first-token timeout', async () => {
    const slow = fakeProvider('a', {
      stream: [(_r, context) => streamOf(textStream(['x']), 5_000, context.signal)],
    });
    const b = fakeProvider('b');
    const kernel = createKernel({
      providers: [slow, b],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
      routing: { firstTokenTimeoutMs: 50 },
    });
    const stream = await kernel.stream(ask);
    expect(stream.deployment.id).toBe('b/m');
    expect(stream.attempts[0]?.error).toMatchObject({ code: 'timeout', phase: 'first-chunk' });
    expect(slow.calls[0]?.aborted).toBe(true);
  });

  it('does not count a caller abort against the deployment', async () => {
    const a = fakeProvider('a', {
      chat: Array.from(
        { length: 10 },
        () => (_r: unknown, c: { signal: AbortSignal }) =>
          wait(5_000, c.signal).then(() => reply('x')),
      ),
    });
    const kernel = createKernel({ providers: [a], models: [{ name: 'chat', targets: ['a/m'] }] });
    for (let i = 0; i < 6; i++) {
      const controller = new AbortController();
      const pending = kernel.chat(ask, { signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toSatisfy(
        (e: unknown) => LoomError.isInstance(e) && e.code === 'aborted',
      );
    }
    expect(kernel.getProviderStats().deployments[0]).toMatchObject({
      circuit: 'closed',
      requests: 0,
    });
  });
});
