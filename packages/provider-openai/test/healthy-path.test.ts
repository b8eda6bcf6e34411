import { createKernel, type Kernel, type KernelOptions } from '@loom/core';
import { type Fault, type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAI } from '../src/index.js';

// Kernel-level: real providers against simulated OpenAI upstreams on loopback.

const CHAT = '/v1/chat/completions';
const MODELS = '/v1/models';

let cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

async function deploy(
  count: number,
  options: { routing?: KernelOptions['routing']; healthIntervalMs?: number } = {},
): Promise<{ kernel: Kernel; upstreams: SimulatedUpstream[] }> {
  const upstreams = await Promise.all(Array.from({ length: count }, () => startOpenAIServer()));
  const providers = upstreams.map((upstream, index) =>
    createOpenAI({ id: `u${index}`, baseURL: upstream.baseURL, apiKey: 'sk-test' }),
  );
  const kernel = createKernel({
    providers,
    models: [{ name: 'chat', targets: providers.map((p) => `${p.id}/gpt-4o-mini`) }],
    routing: options.routing,
    health: { intervalMs: options.healthIntervalMs ?? 0 },
  });
  cleanup.push(async () => {
    await kernel.stop();
    for (const provider of providers) await provider.close?.();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });
  return { kernel, upstreams };
}

const ask = (text = 'hi') => ({
  model: 'chat',
  messages: [{ role: 'user' as const, content: text }],
});
const chatHits = (upstream: SimulatedUpstream) =>
  upstream.requests.filter((request) => request.path === CHAT).length;

/** mulberry32: a small seeded generator, so the fault mix is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('RELIABILITY: no request fails while an untried healthy candidate exists', () => {
  it('primary 500, healthy fallback, 40 concurrent requests: 0 failed', async () => {
    const { kernel, upstreams } = await deploy(2);
    const [primary, fallback] = upstreams as [SimulatedUpstream, SimulatedUpstream];
    primary.inject({ fault: { type: 'status', status: 500 }, path: CHAT });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => kernel.chat(ask(`request ${i}`))),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed).toEqual([]);
    expect(chatHits(fallback)).toBe(40);
  });

  it('random 500 / 503 / 429 / reset / hang on two of three deployments, 600 requests at concurrency 20: 0 failed, 0 truncated', async () => {
    const { kernel, upstreams } = await deploy(3, {
      routing: {
        // Round-robin keeps sending first tries into the faulty deployments.
        strategy: 'round-robin',
        attemptTimeoutMs: 400,
        timeoutMs: 10_000,
        initialBackoffMs: 10,
        // Short open periods bring the faulty deployments back (half-open) during the run.
        circuitBreaker: { openMs: 100, maxOpenMs: 400 },
      },
    });
    const faulty = upstreams.slice(0, 2);
    const faults: Fault[] = [
      { type: 'status', status: 500 },
      { type: 'status', status: 503 },
      { type: 'status', status: 429, headers: { 'retry-after-ms': '50' } },
      { type: 'reset' },
      { type: 'hang' },
    ];
    const random = seeded(23);
    const REQUESTS = 600;
    const failures: string[] = [];
    const truncated: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const index = next++;
        // Before each request, each faulty deployment gets one more fault queued with chance 0.3.
        for (const upstream of faulty) {
          if (random() < 0.3) {
            const fault = faults[Math.floor(random() * faults.length)]!;
            upstream.inject({ fault, path: CHAT, times: 1 });
          }
        }
        const prompt = `request ${index}`;
        try {
          const response = await kernel.chat(ask(prompt));
          if (response.message.content !== prompt) truncated.push(`${index}`);
        } catch (error) {
          failures.push(`${index}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    expect(failures).toEqual([]);
    expect(truncated).toEqual([]);
    // The faults were met, every kind of them.
    const met = faulty.flatMap((upstream) =>
      upstream.requests.flatMap(({ fault }) =>
        !fault ? [] : fault.type === 'status' ? [`status ${fault.status}`] : [fault.type],
      ),
    );
    expect(new Set(met)).toEqual(
      new Set(['status 500', 'status 503', 'status 429', 'reset', 'hang']),
    );
    expect(met.length).toBeGreaterThan(15);
  }, 60_000);
});

describe('RELIABILITY: a probe the upstream does not support means unknown, not down', () => {
  for (const status of [404, 405, 501]) {
    it(`upstream with no /v1/models (${status}): still serves; the probe says unknown, not down`, async () => {
      const { kernel, upstreams } = await deploy(1, { healthIntervalMs: 60_000 });
      upstreams[0]!.inject({ fault: { type: 'status', status }, path: MODELS });
      await kernel.start();
      await expect.poll(() => kernel.health()[0]?.report).toBeDefined();
      const report = kernel.health()[0]!.report!;
      // HealthStatus v1 has no `unknown`: `degraded`, routed like `up`, carries the reason.
      expect(report.status).toBe('degraded');
      expect(report.message).toMatch(new RegExp(`${status}.*unknown`));
      await expect(kernel.chat(ask('still here'))).resolves.toMatchObject({
        message: { content: 'still here' },
      });
    });
  }

  it('a probe that fails for real (500) still calls it down', async () => {
    const { kernel, upstreams } = await deploy(2, { healthIntervalMs: 60_000 });
    upstreams[0]!.inject({ fault: { type: 'status', status: 500 }, path: MODELS });
    await kernel.start();
    await expect.poll(() => kernel.health()[0]?.report?.status).toBe('down');
    await expect(kernel.chat(ask())).resolves.toMatchObject({
      loom: { deployment: { id: 'u1/gpt-4o-mini' } },
    });
    expect(chatHits(upstreams[0]!)).toBe(0);
  });
});

describe('RELIABILITY: an actively-down last candidate still gets real requests', () => {
  it('an actively-down deployment that is the last candidate still gets a real request, and one success marks it up', async () => {
    const { kernel, upstreams } = await deploy(1, {
      healthIntervalMs: 60_000,
      routing: { trafficProbeIntervalMs: 200 },
    });
    upstreams[0]!.inject({ fault: { type: 'status', status: 503 }, path: MODELS });
    await kernel.start();
    await expect.poll(() => kernel.health()[0]?.report?.status).toBe('down');
    await expect(kernel.chat(ask('probe'))).resolves.toMatchObject({
      message: { content: 'probe' },
    });
    expect(kernel.health()[0]?.report?.status).toBe('up');
    const answers = await Promise.all(Array.from({ length: 5 }, () => kernel.chat(ask('next'))));
    expect(answers).toHaveLength(5);
    expect(chatHits(upstreams[0]!)).toBe(6);
  });
});
