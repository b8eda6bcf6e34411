import { createKernel, definePlugin, type Kernel, type PluginApi } from '@loom/core';
import { metricNames, monitorPlugin } from '@loom/monitor';
import { createMockProvider } from '@loom/testkit';
import { afterEach, describe, expect, it } from 'vitest';

let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.stop({ drainTimeoutMs: 1_000 });
  kernel = undefined;
});

// Stands in for @loom/cost (which monitor may not import): prices every finished attempt.
function pricingPlugin(pricesMicros: Record<string, number | 'unpriced'>) {
  return definePlugin({
    name: 'test-pricing',
    version: '0.0.0',
    coreVersion: '^0.1.0',
    setup(api: PluginApi) {
      api.events.on('attempt:end', (event) => {
        const price = pricesMicros[event.deployment.providerId] ?? 'unpriced';
        api.emit('cost:recorded', {
          requestId: event.requestId,
          operation: event.operation,
          attempt: event.attempt,
          deployment: event.deployment,
          timestamp: event.timestamp,
          costMicros: price === 'unpriced' ? 0 : price,
          unpriced: price === 'unpriced',
          inputTokens: event.usage?.inputTokens ?? 0,
          outputTokens: event.usage?.outputTokens ?? 0,
          estimated: false,
          metadata: { sessionId: 'session-1' },
        });
      });
    },
  });
}

describe('LLM collector: cache and cost', () => {
  it('counts cache hits as lookups and as requests, so the hit ratio is queryable', async () => {
    const monitor = monitorPlugin({ collectors: { system: false }, prometheus: true });
    kernel = createKernel({
      providers: [createMockProvider({ id: 'steady' })],
      models: [{ name: 'chat', targets: ['steady/mock-model'] }],
      plugins: [monitor],
      cache: {},
      health: { intervalMs: 0 },
      telemetry: false,
    });
    await kernel.start();
    const request = {
      model: 'chat',
      messages: [{ role: 'user' as const, content: 'same question' }],
    };
    await kernel.chat(request);
    await kernel.chat(request);
    await kernel.chat(request);
    const range = { from: Date.now() - 60_000, to: Date.now() + 1_000 };
    const lookups = (result: 'hit' | 'miss') =>
      monitor.store.query({
        ...range,
        name: metricNames.CACHE_LOOKUPS,
        attributes: { [metricNames.ATTR.cacheResult]: result },
      }).sum;
    expect(lookups('miss')).toBe(1);
    expect(lookups('hit')).toBe(2);
    expect(monitor.store.query({ ...range, name: metricNames.REQUESTS }).sum).toBe(3);
    const hits = monitor.store.query({
      ...range,
      name: metricNames.REQUESTS,
      attributes: { [metricNames.ATTR.cacheResult]: 'hit' },
    });
    expect(hits.sum).toBe(2);
    expect(monitor.report(range).cache).toEqual({ hits: 2, misses: 1, hitRatio: 2 / 3 });
    const text = await monitor.render();
    expect(text).toMatch(/loom_cache_lookups_total\{[^}]*loom_cache_result="hit"[^}]*\} 2/);
    expect(text).toMatch(/loom_requests_total\{[^}]*loom_cache_result="hit"[^}]*\} 2/);
  });

  it('records cost per provider and model from cost:recorded, and session cost by default', async () => {
    const monitor = monitorPlugin({ collectors: { system: false } });
    kernel = createKernel({
      providers: [createMockProvider({ id: 'paid' }), createMockProvider({ id: 'local' })],
      models: [
        { name: 'paid-chat', targets: ['paid/mock-model'] },
        { name: 'local-chat', targets: ['local/mock-model'] },
      ],
      plugins: [monitor, pricingPlugin({ paid: 1_500 })],
      health: { intervalMs: 0 },
      telemetry: false,
    });
    await kernel.start();
    const messages = [{ role: 'user' as const, content: 'price me' }];
    for (let index = 0; index < 4; index++) await kernel.chat({ model: 'paid-chat', messages });
    await kernel.chat({ model: 'local-chat', messages });
    const range = { from: Date.now() - 60_000, to: Date.now() + 1_000 };
    const byProvider = monitor.store.queryGroups({
      ...range,
      name: metricNames.COST,
      groupBy: [metricNames.ATTR.provider, metricNames.ATTR.requestModel],
    });
    expect(byProvider).toHaveLength(1);
    expect(byProvider[0]!.attributes).toEqual({
      [metricNames.ATTR.provider]: 'paid',
      [metricNames.ATTR.requestModel]: 'mock-model',
    });
    expect(byProvider[0]!.result.sum).toBeCloseTo(0.006, 12);
    expect(monitor.store.query({ ...range, name: metricNames.UNPRICED_ATTEMPTS }).sum).toBe(1);
    const session = monitor.store.query({
      ...range,
      name: metricNames.SESSION_COST,
      attributes: { [metricNames.ATTR.session]: 'session-1' },
    });
    expect(session.sum).toBeCloseTo(0.006, 12);
    const chart = monitor.store.queryRange({ ...range, name: metricNames.COST }, 30_000);
    expect(chart.reduce((total, [, result]) => total + (result?.sum ?? 0), 0)).toBeCloseTo(
      0.006,
      12,
    );
    expect(monitor.report(range).costUsd).toBeCloseTo(0.006, 12);
  });
});
