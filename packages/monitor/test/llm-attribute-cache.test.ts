import { createKernel, type Kernel, type Metric, ProviderCallError } from '@loom/core';
import { createLlmCollector, metricNames } from '@loom/monitor';
import { createMockProvider, mockError } from '@loom/testkit';
import { afterEach, describe, expect, it } from 'vitest';

let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.stop({ drainTimeoutMs: 1_000 });
  kernel = undefined;
});

const failure = new ProviderCallError({
  provider: 'flaky',
  message: 'upstream 503',
  code: 'server_error',
  upstreamStatus: 503,
  isRetryable: true,
});

describe('LLM collector attribute sets', () => {
  // The store and the Prometheus exporter cache their work per attributes object, so requests of
  // one deployment and outcome must share one (frozen) object, and different sets must differ.
  it('reuses one frozen object per distinct set across requests', async () => {
    const seen: Metric[] = [];
    kernel = createKernel({
      providers: [
        createMockProvider({ id: 'flaky', script: [mockError(failure)] }),
        createMockProvider({ id: 'steady' }),
      ],
      models: [{ name: 'chat', targets: ['flaky/mock-model', 'steady/mock-model'] }],
      collectors: [createLlmCollector()],
      health: { intervalMs: 0 },
      telemetry: false,
    });
    kernel.events.on('metric', (metrics) => seen.push(...metrics));
    await kernel.start();
    const messages = [{ role: 'user' as const, content: 'same deployment twice' }];
    for (let index = 0; index < 3; index++) await kernel.chat({ model: 'chat', messages });

    const requests = seen.filter((metric) => metric.name === metricNames.REQUESTS);
    expect(requests.length).toBe(3);
    // The router may send a later request to `flaky` again (it answers now): one set per provider.
    const byProvider = new Map<unknown, unknown>();
    for (const metric of requests) {
      const provider = metric.attributes?.['gen_ai.provider.name'];
      expect(metric.attributes).toMatchObject({ 'loom.outcome': 'success' });
      expect(Object.isFrozen(metric.attributes)).toBe(true);
      if (!byProvider.has(provider)) byProvider.set(provider, metric.attributes);
      expect(metric.attributes).toBe(byProvider.get(provider));
    }
    expect(byProvider.size).toBeLessThan(requests.length);

    const durations = seen.filter((metric) => metric.name === metricNames.OPERATION_DURATION);
    const steady = durations.filter((m) => m.attributes?.['gen_ai.provider.name'] === 'steady');
    expect(new Set(steady.map((metric) => metric.attributes)).size).toBe(1);
    // The failed attempt on `flaky` keeps its own set, with its error type.
    const flaky = durations.find((m) => m.attributes?.['gen_ai.provider.name'] === 'flaky');
    expect(flaky?.attributes).toMatchObject({ 'error.type': 'server_error' });

    const tokens = seen.filter((metric) => metric.name === metricNames.TOKEN_USAGE);
    const sets = new Map<string, unknown>();
    for (const metric of tokens) {
      const key = `${metric.attributes?.['gen_ai.provider.name']}/${metric.attributes?.['gen_ai.token.type']}`;
      if (!sets.has(key)) sets.set(key, metric.attributes);
      expect(metric.attributes).toBe(sets.get(key));
    }
    expect([...sets.keys()].filter((key) => key.startsWith('steady/')).sort()).toEqual([
      'steady/input',
      'steady/output',
    ]);
  });
});
