import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

// The machine's Redis (CI sets the URL). A Redis outage itself is exercised with three gateway
// processes and a private redis-server in scale-out-redis-outage.test.ts.
const REDIS_URL = process.env.LOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('startLoom with storage.redis', () => {
  let stack: RuntimeStack;
  const budget = `runtime-redis-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    stack = await startRuntimeStack({
      storage: { ledger: 'sqlite://./ledger.db', redis: REDIS_URL },
      budgets: [{ name: budget, limitUsd: 1, action: 'block' }],
      cache: { ttlMs: 60_000 },
    });
  });
  afterAll(() => stack?.close());

  it('reports Redis on /readyz and as a gauge on /metrics', async () => {
    const ready = await stack.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.dependencies).toEqual([{ name: 'redis', state: 'ready', required: true }]);
    const metrics = await stack.get('/metrics');
    expect(metrics.text).toMatch(/^loom_redis_connected\{[^}]*\} 1$/m);
  });

  it('keeps budget counters and the response cache in Redis', async () => {
    const ask = { model: 'chat', messages: [{ role: 'user' as const, content: `hi ${budget}` }] };
    const first = await stack.client.chat.completions.create(ask).withResponse();
    const second = await stack.client.chat.completions.create(ask).withResponse();
    expect(first.response.headers.get('x-loom-cache')).toBe('miss');
    expect(second.response.headers.get('x-loom-cache')).toBe('hit');
    const costs = await stack.get('/api/costs');
    const counter = costs.body.budgets.find((entry: { budget: string }) => entry.budget === budget);
    expect(counter.spentMicros).toBeGreaterThan(0);
    expect(counter.reservedMicros).toBe(0);
  });
});

describe('gateway-key rate limits shared through Redis', () => {
  it('counts one key across two gateways', async () => {
    const key = `sk-loom-${randomUUID()}`;
    const shared = {
      storage: { ledger: 'memory', redis: REDIS_URL },
      server: { apiKeys: [{ key, name: 'shared', requestsPerMinute: 3 }] },
    };
    const [a, b] = await Promise.all([startRuntimeStack(shared), startRuntimeStack(shared)]);
    try {
      const ask = (stack: RuntimeStack) =>
        fetch(`${stack.loom.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
        });
      const statuses = [];
      for (const stack of [a, b, a, b]) statuses.push((await ask(stack)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
