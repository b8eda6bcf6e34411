import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createKernel,
  type HealthReport,
  type KernelEvents,
  ProviderCallError,
} from '../../src/index.js';
import { fakeProvider } from '../fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };
const failing = (provider: string, upstreamStatus: number, times: number) =>
  Array.from(
    { length: times },
    () => () =>
      Promise.reject(
        new ProviderCallError({ provider, message: `HTTP ${upstreamStatus}`, upstreamStatus }),
      ),
  );

afterEach(() => {
  vi.useRealTimers();
});

// ../shared/RELIABILITY.md, failure handling 4: the budget bounds retries of a deployment this
// request already tried and backoff waits, never the first try of an untried healthy candidate.
describe('a healthy path is always used', () => {
  it('no request fails while an untried healthy candidate exists: primary 500, healthy fallback, 40 concurrent requests, 0 failed', async () => {
    const primary = fakeProvider('primary', { chat: failing('primary', 500, 1_000) });
    const fallback = fakeProvider('fallback');
    const kernel = createKernel({
      providers: [primary, fallback],
      models: [{ name: 'chat', targets: ['primary/m', 'fallback/m'] }],
    });
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => kernel.chat(ask)));
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(fallback.calls).toHaveLength(40);
  });

  it('fails over to an untried healthy candidate even when no retry is allowed (retries: 0) and the budget is spent', async () => {
    const primary = fakeProvider('primary', { chat: failing('primary', 503, 1_000) });
    const fallback = fakeProvider('fallback');
    const kernel = createKernel({
      providers: [primary, fallback],
      models: [{ name: 'chat', targets: ['primary/m', 'fallback/m'] }],
      routing: {
        retries: 0,
        retryBudget: { ratio: 0, minRetries: 0 },
        circuitBreaker: { consecutiveFailures: 1_000_000, minimumRequests: 1_000_000 },
      },
    });
    for (let i = 0; i < 5; i++) {
      await expect(kernel.chat(ask)).resolves.toMatchObject({
        loom: { deployment: { id: 'fallback/m' }, attempts: 2 },
      });
    }
  });

  it('amplification stays bounded by the number of deployments: 100 concurrent requests against two always-503 deployments', async () => {
    const a = fakeProvider('a', { chat: failing('a', 503, 1_000) });
    const b = fakeProvider('b', { chat: failing('b', 503, 1_000) });
    const kernel = createKernel({
      providers: [a, b],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
      routing: {
        retries: 5,
        initialBackoffMs: 1,
        circuitBreaker: { consecutiveFailures: 1_000_000, minimumRequests: 1_000_000 },
      },
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => kernel.chat(ask)));
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    // One first try per deployment, plus the budget's retries (health.test.ts holds the budget
    // alone to requests x 1.2 + 3 against one deployment).
    expect(a.calls.length + b.calls.length).toBeLessThanOrEqual(100 * 2 + 100 * 0.2 + 3);
  });
});

describe('an actively-down deployment that is the last candidate', () => {
  const downReport = (): HealthReport => ({ status: 'down', checkedAt: Date.now(), message: 'x' });

  it('still gets a real request now and then, and one success marks it up at once', async () => {
    vi.useFakeTimers();
    const only = fakeProvider('only', { health: async () => downReport() });
    const kernel = createKernel({
      providers: [only],
      models: [{ name: 'chat', targets: ['only/m'] }],
      // The probe fails once, then the check never runs again: only traffic can bring it back.
      health: { intervalMs: 3_600_000 },
      routing: { trafficProbeIntervalMs: 5_000 },
    });
    const seen: KernelEvents['provider:health'][] = [];
    kernel.events.on('provider:health', (event) => seen.push(event));
    await kernel.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(kernel.health()[0]?.report?.status).toBe('down');

    await expect(kernel.chat(ask)).resolves.toMatchObject({
      loom: { deployment: { id: 'only/m' } },
    });
    expect(only.calls).toHaveLength(1);
    expect(kernel.health()[0]?.report?.status).toBe('up');
    expect(seen.map((event) => [event.previous, event.report.status])).toEqual([
      [undefined, 'down'],
      ['down', 'up'],
    ]);
    await kernel.stop();
  });

  it('gets one request per probe interval while it keeps failing, and a Retry-After until the next', async () => {
    vi.useFakeTimers();
    const only = fakeProvider('only', {
      chat: failing('only', 503, 1_000),
      health: async () => downReport(),
    });
    const kernel = createKernel({
      providers: [only],
      models: [{ name: 'chat', targets: ['only/m'] }],
      health: { intervalMs: 3_600_000 },
      routing: { retries: 0, trafficProbeIntervalMs: 5_000 },
    });
    await kernel.start();
    await vi.advanceTimersByTimeAsync(0);
    await expect(kernel.chat(ask)).rejects.toMatchObject({ statusCode: 503 });
    for (let i = 0; i < 10; i++) {
      await expect(kernel.chat(ask)).rejects.toMatchObject({
        code: 'no_healthy_provider',
        retryAfterMs: expect.toSatisfy((ms: number) => ms > 0 && ms <= 5_000),
      });
    }
    expect(only.calls).toHaveLength(1);
    expect(kernel.health()[0]?.report?.status).toBe('down');
    vi.setSystemTime(Date.now() + 5_001);
    await expect(kernel.chat(ask)).rejects.toMatchObject({ statusCode: 503 });
    expect(only.calls).toHaveLength(2);
    await kernel.stop();
  });

  it('is not probed while a healthy candidate takes the traffic', async () => {
    const down = fakeProvider('down', { health: async () => downReport() });
    const up = fakeProvider('up');
    const kernel = createKernel({
      providers: [down, up],
      models: [{ name: 'chat', targets: ['down/m', 'up/m'] }],
      health: { intervalMs: 3_600_000 },
    });
    await kernel.start();
    await expect.poll(() => kernel.health()[0]?.report?.status).toBe('down');
    for (let i = 0; i < 5; i++) await kernel.chat(ask);
    expect(down.calls).toHaveLength(0);
    expect(up.calls).toHaveLength(5);
    await kernel.stop();
  });
});
