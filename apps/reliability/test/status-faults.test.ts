import { describe, expect, it } from 'vitest';
import { ask, chatHits, deploy } from './harness.js';

const status = (code: number, headers: Record<string, string> = {}, body?: unknown) => ({
  fault: { type: 'status' as const, status: code, headers, ...(body ? { body } : {}) },
});

describe('RELIABILITY matrix: upstream status faults', () => {
  it('429 with Retry-After: 2 switches to another deployment at once', async () => {
    const { kernel, deployed } = await deploy(['openai', 'openai']);
    deployed[0]!.server.inject({ ...status(429, { 'retry-after': '2' }), times: 1 });
    const started = performance.now();
    await expect(kernel.chat(ask())).resolves.toMatchObject({
      loom: { deployment: { providerId: deployed[1]!.id } },
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('429 with Retry-After in seconds, as an HTTP date, and retry-after-ms (which wins): waits, then retries', async () => {
    // Headers are made when injected: an HTTP date must be in the future when it is sent.
    const cases: Array<{ headers: () => Record<string, string>; atLeast: number }> = [
      { headers: () => ({ 'retry-after': '1' }), atLeast: 900 },
      // HTTP dates have whole seconds: 3 s ahead is at least 2 s of waiting.
      {
        headers: () => ({ 'retry-after': new Date(Date.now() + 3_000).toUTCString() }),
        atLeast: 1_500,
      },
      { headers: () => ({ 'retry-after-ms': '1200', 'retry-after': '30' }), atLeast: 1_100 },
    ];
    for (const { headers, atLeast } of cases) {
      const { kernel, deployed } = await deploy(['openai']);
      deployed[0]!.server.inject({ ...status(429, headers()), times: 1 });
      const started = performance.now();
      await expect(kernel.chat(ask())).resolves.toMatchObject({ loom: { attempts: 2 } });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(atLeast);
      expect(elapsed).toBeLessThan(10_000);
    }
  });

  it('a Retry-After over the cap fails now with the upstream hint instead of sleeping', async () => {
    const { kernel, deployed } = await deploy(['openai'], { routing: { retryAfterCapMs: 60_000 } });
    deployed[0]!.server.inject({ ...status(429, { 'retry-after': '120' }), times: 1 });
    const started = performance.now();
    await expect(kernel.chat(ask())).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 120_000,
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('429 insufficient_quota: no sleep, long cooldown, failover', async () => {
    const { kernel, deployed } = await deploy(['openai', 'openai']);
    const quota = {
      error: {
        message: 'You exceeded your current quota.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    };
    deployed[0]!.server.inject({ ...status(429, {}, quota) });
    for (let i = 0; i < 3; i++) await kernel.chat(ask());
    expect(chatHits(deployed[0]!.server)).toHaveLength(1);
    expect(chatHits(deployed[1]!.server)).toHaveLength(3);
  });

  it('5xx twice then 200, and Ollama 503 busy: retried within the budget, the request succeeds', async () => {
    const { kernel, deployed } = await deploy(['openai']);
    deployed[0]!.server.inject({ ...status(500), times: 1 });
    deployed[0]!.server.inject({ ...status(502), times: 1 });
    await expect(kernel.chat(ask())).resolves.toMatchObject({ loom: { attempts: 3 } });
    const ollama = await deploy(['ollama']);
    ollama.deployed[0]!.server.inject({ ...status(503), times: 1 });
    await expect(ollama.kernel.chat(ask())).resolves.toMatchObject({ loom: { attempts: 2 } });
  });

  for (const code of [401, 403, 404]) {
    it(`${code}: that deployment is cooled, another is used, no retry on the same one`, async () => {
      const { kernel, deployed } = await deploy(['openai', 'vllm']);
      deployed[0]!.server.inject({ ...status(code) });
      await kernel.chat(ask());
      await kernel.chat(ask());
      expect(chatHits(deployed[0]!.server)).toHaveLength(1);
      expect(chatHits(deployed[1]!.server)).toHaveLength(2);
    });
  }

  it('400 and 422 pass through unchanged and leave the breaker alone', async () => {
    const { kernel, deployed } = await deploy(['openai', 'openai'], {
      routing: { circuitBreaker: { consecutiveFailures: 2 } },
    });
    deployed[0]!.server.inject({ ...status(422) });
    for (let i = 0; i < 4; i++)
      await expect(kernel.chat(ask())).rejects.toMatchObject({
        statusCode: 422,
        code: 'bad_request',
      });
    deployed[0]!.server.clearFaults();
    deployed[0]!.server.inject({ ...status(400), times: 1 });
    await expect(kernel.chat(ask())).rejects.toMatchObject({ statusCode: 400 });
    expect(chatHits(deployed[1]!.server)).toHaveLength(0);
    expect(kernel.getProviderStats().deployments[0]?.circuit).toBe('closed');
  });

  it('context length exceeded: only a larger-context deployment is tried', async () => {
    const tooLong = {
      error: {
        message: "This model's maximum context length is 8192 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    };
    const { kernel, deployed } = await deploy([
      { wire: 'openai', contextWindow: 8_192 },
      { wire: 'openai', contextWindow: 4_096 },
      { wire: 'vllm', contextWindow: 131_072 },
    ]);
    deployed[0]!.server.inject({ ...status(400, {}, tooLong), times: 1 });
    await expect(kernel.chat(ask())).resolves.toMatchObject({
      loom: { deployment: { providerId: deployed[2]!.id } },
    });
    expect(chatHits(deployed[1]!.server)).toHaveLength(0);
    expect(kernel.getProviderStats().deployments[0]?.circuit).toBe('closed');
  });
});
