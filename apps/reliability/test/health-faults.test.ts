import { describe, expect, it } from 'vitest';
import { ask, chatHits, deploy } from './harness.js';

const down = { fault: { type: 'status' as const, status: 503 } };

describe('RELIABILITY matrix: breakers, health and the retry budget', () => {
  it('N consecutive failures open the breaker: zero hits while open, then one half-open probe', async () => {
    const { kernel, deployed } = await deploy(['openai'], {
      routing: { retries: 0, circuitBreaker: { consecutiveFailures: 3, openMs: 600 } },
    });
    const server = deployed[0]!.server;
    server.inject({ ...down, times: 3 });
    for (let i = 0; i < 3; i++)
      await expect(kernel.chat(ask())).rejects.toMatchObject({ statusCode: 503 });
    for (let i = 0; i < 10; i++)
      await expect(kernel.chat(ask())).rejects.toMatchObject({ code: 'no_healthy_provider' });
    expect(chatHits(server)).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const [probe, second] = await Promise.allSettled([kernel.chat(ask()), kernel.chat(ask())]);
    expect(probe.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'no_healthy_provider' } });
    expect(chatHits(server)).toHaveLength(4);
    expect(kernel.getProviderStats().deployments[0]?.circuit).toBe('closed');
  });

  it('every provider failing: a fast no_healthy_provider with Retry-After', async () => {
    const { kernel, deployed } = await deploy(['openai', 'ollama'], {
      routing: { retries: 1, circuitBreaker: { consecutiveFailures: 1, openMs: 30_000 } },
    });
    for (const d of deployed) d.server.inject({ ...down });
    await expect(kernel.chat(ask())).rejects.toMatchObject({ code: 'all_providers_failed' });
    const started = performance.now();
    await expect(kernel.chat(ask())).rejects.toMatchObject({
      code: 'no_healthy_provider',
      statusCode: 503,
      retryAfterMs: expect.any(Number),
    });
    expect(performance.now() - started).toBeLessThan(200);
  });

  // Each request tries each deployment once for free (a healthy path is never refused); the retry
  // budget bounds only the retries of deployments already tried.
  it('100 concurrent requests against two always-503 upstreams: hits stay within requests x (2 + 0.2) + 3', async () => {
    const { kernel, deployed } = await deploy(['openai', 'vllm'], {
      routing: {
        retries: 5,
        circuitBreaker: { consecutiveFailures: 1_000_000, minimumRequests: 1_000_000 },
      },
    });
    for (const d of deployed) d.server.inject({ ...down });
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => kernel.chat(ask())));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const hits = deployed.reduce((sum, d) => sum + chatHits(d.server).length, 0);
    expect(hits).toBeGreaterThanOrEqual(100 * 2);
    expect(hits).toBeLessThanOrEqual(100 * (2 + 0.2) + 3);
  });

  it('vLLM /health 503 marks it unhealthy; traffic goes elsewhere until it recovers', async () => {
    const { kernel, deployed } = await deploy(['vllm', 'openai'], { health: { intervalMs: 100 } });
    const vllm = deployed[0]!.server as unknown as { setHealthy(healthy: boolean): void };
    vllm.setHealthy(false);
    await kernel.start();
    await expect.poll(() => kernel.health()[0]?.report?.status, { timeout: 3_000 }).toBe('down');
    await expect(kernel.chat(ask())).resolves.toMatchObject({
      loom: { deployment: { providerId: deployed[1]!.id } },
    });
    vllm.setHealthy(true);
    await expect.poll(() => kernel.health()[0]?.report?.status, { timeout: 3_000 }).toBe('up');
    await expect(kernel.chat(ask())).resolves.toMatchObject({
      loom: { deployment: { providerId: deployed[0]!.id } },
    });
  });

  it('vLLM /health 200 while generation hangs: passive detection opens the breaker', async () => {
    const { kernel, deployed } = await deploy(['vllm', 'openai'], {
      health: { intervalMs: 100 },
      routing: {
        attemptTimeoutMs: 200,
        circuitBreaker: { consecutiveFailures: 2, openMs: 60_000 },
      },
    });
    deployed[0]!.server.inject({ fault: { type: 'hang' }, path: '/v1/chat/completions' });
    for (let i = 0; i < 2; i++)
      await expect(kernel.chat(ask())).resolves.toMatchObject({ loom: { attempts: 2 } });
    expect(kernel.health()[0]?.report?.status ?? 'up').toBe('up');
    expect(kernel.getProviderStats().deployments[0]?.circuit).toBe('open');
    await expect(kernel.chat(ask())).resolves.toMatchObject({
      loom: { attempts: 1, deployment: { providerId: deployed[1]!.id } },
    });
  });
});
