import { describe, expect, it } from 'vitest';
import { createKernel, ProviderCallError } from '../../src/index.js';
import { OTHER_DEPLOYMENTS, StatsRecorder } from '../../src/kernel/kernel-stats.js';
import { fakeProvider } from '../fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('getProviderStats and explain', () => {
  it('reports per-deployment outcomes, latency percentiles, circuit state and totals', async () => {
    const a = fakeProvider('a', {
      chat: [
        () =>
          Promise.reject(
            new ProviderCallError({ provider: 'a', message: 'boom', upstreamStatus: 502 }),
          ),
      ],
    });
    const kernel = createKernel({
      providers: [a, fakeProvider('b')],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    });
    for (let i = 0; i < 5; i++) await kernel.chat(ask);
    const stats = kernel.getProviderStats();
    const byId = Object.fromEntries(stats.deployments.map((d) => [d.deployment.id, d]));
    expect(byId['a/m']).toMatchObject({
      requests: 5,
      successRate: 0.8,
      errors: { provider_error: 1 },
      lastError: { code: 'provider_error', message: expect.stringContaining('502') },
      circuit: 'closed',
      inFlight: 0,
    });
    expect(byId['a/m']?.latency.p50).toBeGreaterThanOrEqual(0);
    expect(byId['a/m']?.latency.p99).toBeGreaterThanOrEqual(byId['a/m']?.latency.p50 ?? 0);
    expect(byId['b/m']).toMatchObject({
      requests: 1,
      successRate: 1,
      tokens: { input: 3, output: 2 },
    });
    expect(byId['a/m']?.tokens).toEqual({ input: 12, output: 8 });
    // Scores are ≥ 1 (1 = best on every term); one failure in five multiplies by 1 + 2 × 0.2.
    expect(byId['b/m']!.score).toBeGreaterThanOrEqual(1);
    expect(byId['a/m']!.score).toBeGreaterThanOrEqual(1.4);
    expect(stats.totals).toEqual({ requests: 6, successRate: 5 / 6, inFlight: 0 });
  });

  it('explains the ranking and why candidates were dropped, without sending anything', async () => {
    const a = fakeProvider('a', {
      chat: [
        () =>
          Promise.reject(
            new ProviderCallError({
              provider: 'a',
              message: 'bad key',
              upstreamStatus: 401,
              code: 'authentication_failed',
            }),
          ),
      ],
    });
    const b = fakeProvider('b');
    const kernel = createKernel({
      providers: [a, b, fakeProvider('c')],
      models: [
        {
          name: 'chat',
          targets: [
            'a/m',
            'b/m',
            { provider: 'c', model: 'm', capabilities: { streaming: false } },
          ],
        },
      ],
    });
    await kernel.chat(ask);
    const calls = a.calls.length + b.calls.length;
    const explanation = await kernel.explain(ask, { operation: 'stream' });
    expect(explanation.strategy).toBe('priority');
    expect(
      explanation.candidates.map((c) => [
        c.deployment.id,
        c.kept,
        c.rank,
        c.reason?.split(' (')[0]?.split(' until')[0],
      ]),
    ).toEqual([
      ['c/m', false, undefined, 'does not support streaming'],
      ['a/m', false, undefined, 'cooling down'],
      ['b/m', true, 1, undefined],
    ]);
    expect(a.calls.length + b.calls.length).toBe(calls);
  });

  it('starts from latency priors until real samples arrive', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a'), fakeProvider('b')],
      models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
      routing: {
        strategy: 'latency',
        latencyPriors: { 'a/m': { latencyMs: 900 }, 'b/m': { latencyMs: 5 } },
      },
    });
    expect((await kernel.chat(ask)).loom.deployment.id).toBe('b/m');
    const stats = kernel.getProviderStats().deployments;
    // b's prior was replaced by its first real (fast) sample; a still carries its prior.
    expect(stats.find((d) => d.deployment.id === 'a/m')?.latency.ewma).toBe(900);
    expect(stats.find((d) => d.deployment.id === 'b/m')?.latency.ewma).toBeLessThan(900);
  });

  it('keeps router and kernel state bounded when any model name is a deployment', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a')],
      defaultProvider: 'a',
      routing: { maxTrackedDeployments: 20 },
    });
    for (let i = 0; i < 60; i++) await kernel.chat({ ...ask, model: `m${i}` });
    expect(kernel.getProviderStats().deployments.length).toBeLessThanOrEqual(20);
    // The newest deployment is still tracked; the oldest were forgotten.
    const ids = kernel.getProviderStats().deployments.map((d) => d.deployment.id);
    expect(ids).toContain('a/m59');
    expect(ids).not.toContain('a/m0');
  });

  it("counts deployments past the kernel's cap in one bucket, so totals stay right", () => {
    const stats = new StatsRecorder(3);
    for (let i = 0; i < 5; i++) stats.attemptSucceeded(`a/m${i}`, 10, undefined);
    stats.attemptFailed('a/m0', 'timeout');
    const snapshot = stats.snapshot(0, { hits: 0, misses: 0, shared: 0 });
    expect(Object.keys(snapshot.deployments)).toEqual(['a/m0', 'a/m1', 'a/m2', OTHER_DEPLOYMENTS]);
    expect(snapshot.deployments[OTHER_DEPLOYMENTS]?.attempts).toBe(2);
    expect(snapshot.deployments['a/m0']?.failures).toBe(1);
  });
});
