import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKernel, type KernelEvents, ProviderCallError } from '../../src/index.js';
import { fakeProvider } from '../fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };
const outage = (provider: string) => () =>
  Promise.reject(new ProviderCallError({ provider, message: 'down', upstreamStatus: 503 }));

afterEach(() => {
  vi.useRealTimers();
});

describe('circuit breakers and health', () => {
  it('opens after consecutive failures, sends nothing while open, then lets one probe through', async () => {
    vi.useFakeTimers();
    const a = fakeProvider('a', { chat: Array.from({ length: 5 }, () => outage('a')) });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      routing: { retries: 0, circuitBreaker: { consecutiveFailures: 5, openMs: 10_000 } },
    });
    const circuit: string[] = [];
    for (const name of ['circuit:open', 'circuit:half-open', 'circuit:close'] as const) {
      kernel.events.on(name, (event: KernelEvents[typeof name]) =>
        circuit.push(`${name} ${event.deployment.id}`),
      );
    }
    for (let i = 0; i < 5; i++)
      await expect(kernel.chat(ask)).rejects.toMatchObject({ statusCode: 503 });
    expect(circuit).toEqual(['circuit:open a/m']);
    // Open: fail fast with a Retry-After, and zero upstream hits.
    for (let i = 0; i < 20; i++) {
      await expect(kernel.chat(ask)).rejects.toMatchObject({
        code: 'no_healthy_provider',
        retryAfterMs: 10_000,
      });
    }
    expect(a.calls).toHaveLength(5);
    vi.setSystemTime(Date.now() + 10_001);
    // Half-open: one probe at a time; it succeeds and closes the circuit.
    const probe = kernel.chat(ask);
    await expect(kernel.chat(ask)).rejects.toMatchObject({ code: 'no_healthy_provider' });
    await expect(probe).resolves.toBeDefined();
    expect(circuit).toEqual(['circuit:open a/m', 'circuit:half-open a/m', 'circuit:close a/m']);
    expect(a.calls).toHaveLength(6);
  });

  it('grows the open period on each re-opening', async () => {
    vi.useFakeTimers();
    const a = fakeProvider('a', { chat: Array.from({ length: 10 }, () => outage('a')) });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      routing: { retries: 0, circuitBreaker: { consecutiveFailures: 2, openMs: 1_000 } },
    });
    const reasons: string[] = [];
    kernel.events.on('circuit:open', (event) => reasons.push(event.reason));
    await kernel.chat(ask).catch(() => {});
    await kernel.chat(ask).catch(() => {});
    vi.setSystemTime(Date.now() + 1_001);
    await kernel.chat(ask).catch(() => {});
    expect(reasons.map((reason) => reason.split('; ')[1])).toEqual([
      'open for 1000 ms',
      'open for 2000 ms',
    ]);
  });

  it('trips on a failure ratio once the minimum volume is reached', async () => {
    const script = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? outage('a') : undefined));
    const a = fakeProvider('a', {
      chat: script.map((step) => step ?? (() => Promise.resolve({ ...baseReply }))),
    });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      routing: {
        retries: 0,
        circuitBreaker: { consecutiveFailures: 100, failureRatio: 0.5, minimumRequests: 10 },
      },
    });
    // Alternating failure and success: the 11th attempt fails with 6 of 11 failed (≥ 50 %).
    for (let i = 0; i < 10; i++) await kernel.chat(ask).catch(() => {});
    expect(kernel.getProviderStats().deployments[0]?.circuit).toBe('closed');
    await kernel.chat(ask).catch(() => {});
    expect(kernel.getProviderStats().deployments[0]?.circuit).toBe('open');
  });

  it('answers no_healthy_provider at once when every candidate is open, unless panic mode is on', async () => {
    const make = (panicMode: boolean) => {
      const a = fakeProvider('a', { chat: Array.from({ length: 3 }, () => outage('a')) });
      const b = fakeProvider('b', { chat: Array.from({ length: 3 }, () => outage('b')) });
      const kernel = createKernel({
        providers: [a, b],
        models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
        routing: {
          retries: 1,
          panicMode,
          circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 },
        },
      });
      return { kernel, a, b };
    };
    const strict = make(false);
    await strict.kernel.chat(ask).catch(() => {});
    await expect(strict.kernel.chat(ask)).rejects.toMatchObject({
      code: 'no_healthy_provider',
      statusCode: 503,
      message: expect.stringContaining('a/m: circuit open'),
    });
    const panic = make(true);
    await panic.kernel.chat(ask).catch(() => {});
    await expect(panic.kernel.chat(ask)).rejects.toMatchObject({ code: 'all_providers_failed' });
    // The first request fails over to b (healthy then, free) and spends its one retry on a; the
    // second tries the open a, then spends its retry on the open b.
    expect(panic.a.calls.length + panic.b.calls.length).toBe(5);
  });

  it('keeps traffic away from a provider whose health check says down', async () => {
    let status: 'up' | 'down' = 'down';
    const a = fakeProvider('a', { health: async () => ({ status, checkedAt: Date.now() }) });
    const b = fakeProvider('b');
    const kernel = createKernel({
      providers: [a, b],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
      health: { intervalMs: 20 },
    });
    await kernel.start();
    await expect.poll(() => kernel.health()[0]?.report?.status).toBe('down');
    await expect(kernel.chat(ask)).resolves.toMatchObject({ loom: { deployment: { id: 'b/m' } } });
    status = 'up';
    await expect.poll(() => kernel.health()[0]?.report?.status).toBe('up');
    await expect(kernel.chat(ask)).resolves.toMatchObject({ loom: { deployment: { id: 'a/m' } } });
    await kernel.stop();
  });

  it('reads a doHealth that throws, synchronously or with a non-Error, as down with what it threw', async () => {
    const sync = fakeProvider('sync');
    sync.doHealth = () => {
      throw new Error('GET /api/version: connect ECONNREFUSED 127.0.0.1:11434');
    };
    const odd = fakeProvider('odd', { health: () => Promise.reject('upstream said no') });
    const kernel = createKernel({
      providers: [sync, odd],
      models: [{ name: 'chat', targets: ['sync/m', 'odd/m'] }],
      health: { intervalMs: 3_600_000 },
    });
    await kernel.start();
    await expect
      .poll(() => kernel.health().map((entry) => entry.report?.status))
      .toEqual(['down', 'down']);
    expect(kernel.health().map((entry) => entry.report?.message)).toEqual([
      'GET /api/version: connect ECONNREFUSED 127.0.0.1:11434',
      'upstream said no',
    ]);
    await kernel.stop();
  });

  it('ends a doHealth that ignores its signal at the check timeout: down, with the time limit named', async () => {
    const hung = fakeProvider('hung', { health: () => new Promise<never>(() => {}) });
    const kernel = createKernel({
      providers: [hung],
      models: [{ name: 'chat', targets: ['hung/m'] }],
      health: { intervalMs: 3_600_000, timeoutMs: 20 },
    });
    await kernel.start();
    await expect.poll(() => kernel.health()[0]?.report?.status).toBe('down');
    expect(kernel.health()[0]?.report?.message).toMatch(/20 ?ms/);
    await kernel.stop();
  });

  it('the retry budget bounds retries of a tried deployment: 100 concurrent requests against an always-503 upstream stay within requests x 1.2 + 3 hits', async () => {
    const a = fakeProvider('a', { chat: Array.from({ length: 1_000 }, () => outage('a')) });
    const kernel = createKernel({
      providers: [a],
      models: [{ name: 'chat', targets: ['a/m'] }],
      // No breaker help: the budget alone must hold the line.
      routing: {
        retries: 5,
        initialBackoffMs: 1,
        circuitBreaker: { consecutiveFailures: 1_000_000, minimumRequests: 1_000_000 },
      },
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => kernel.chat(ask)));
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(a.calls.length).toBeLessThanOrEqual(100 * 1.2 + 3);
  });
});

const baseReply = {
  model: 'm',
  message: { role: 'assistant' as const, content: 'ok' },
  finishReason: 'stop' as const,
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2, estimated: false },
};
