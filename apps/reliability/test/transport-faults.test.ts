import { LoomError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { ask, chatHits, deploy, provider, readStream, upstream } from './harness.js';

describe('RELIABILITY matrix: transport faults', () => {
  it('connection refused: immediate failover, and the breaker counts it', async () => {
    const dead = await upstream('openai');
    await dead.close();
    const { kernel, deployed } = await deploy(['openai'], {
      routing: { circuitBreaker: { consecutiveFailures: 2 } },
    });
    const { createKernel } = await import('@loom/core');
    const refused = provider('openai', 'refused', dead.baseURL);
    const both = createKernel({
      providers: [refused, deployed[0]!.provider],
      models: [
        { name: 'chat', targets: ['refused/gpt-4o-mini', `${deployed[0]!.id}/gpt-4o-mini`] },
      ],
      routing: { circuitBreaker: { consecutiveFailures: 2 } },
      health: { intervalMs: 0 },
    });
    for (let i = 0; i < 2; i++) {
      await expect(both.chat(ask())).resolves.toMatchObject({
        loom: { deployment: { providerId: deployed[0]!.id } },
      });
    }
    const stats = both
      .getProviderStats()
      .deployments.find((d) => d.deployment.providerId === 'refused');
    expect(stats).toMatchObject({ errors: { connection_failed: 2 }, circuit: 'open' });
    await both.stop();
    await kernel.stop();
  });

  it('reset before headers: immediate failover, counted against the deployment', async () => {
    const { kernel, deployed } = await deploy(['openai', 'ollama']);
    deployed[0]!.server.inject({ fault: { type: 'reset' }, times: 1 });
    const response = await kernel.chat(ask());
    expect(response.loom).toMatchObject({
      attempts: 2,
      deployment: { providerId: deployed[1]!.id },
    });
    expect(kernel.getProviderStats().deployments[0]?.errors).toEqual({ connection_failed: 1 });
  });

  it('no response: the attempt times out, the upstream sees the abort, the next deployment answers', async () => {
    const { kernel, deployed } = await deploy(['openai', 'vllm'], {
      routing: { attemptTimeoutMs: 300, timeoutMs: 5_000 },
    });
    deployed[0]!.server.inject({ fault: { type: 'hang' }, times: 1 });
    const started = performance.now();
    const response = await kernel.chat(ask());
    expect(response.loom.deployment.providerId).toBe(deployed[1]!.id);
    expect(performance.now() - started).toBeLessThan(3_000);
    await expect
      .poll(() => chatHits(deployed[0]!.server)[0]?.aborted, { timeout: 2_000 })
      .toBe(true);
  });

  it('slow first token: the stream fails over before the caller sees anything', async () => {
    const { kernel, deployed } = await deploy(['ollama', 'openai'], {
      routing: { firstTokenTimeoutMs: 300 },
    });
    deployed[0]!.server.inject({ fault: { type: 'delay', ms: 5_000 }, times: 1 });
    const stream = await kernel.stream(ask('slow first token'));
    expect(stream.deployment.providerId).toBe(deployed[1]!.id);
    expect((await readStream(stream)).text).toBe('slow first token');
    await expect
      .poll(() => chatHits(deployed[0]!.server)[0]?.aborted, { timeout: 2_000 })
      .toBe(true);
  });

  it('keeps the overall deadline when every deployment hangs', async () => {
    const { kernel, deployed } = await deploy(['openai', 'openai'], {
      routing: { attemptTimeoutMs: 5_000, timeoutMs: 600 },
    });
    for (const d of deployed) d.server.inject({ fault: { type: 'hang' } });
    const started = performance.now();
    await expect(kernel.chat(ask())).rejects.toMatchObject({ code: 'timeout', phase: 'deadline' });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  for (const wire of ['openai', 'ollama'] as const) {
    it(`${wire}: a stall after the first chunk ends in an error, never a clean end`, async () => {
      const { kernel, deployed } = await deploy([wire], { routing: { idleTimeoutMs: 300 } });
      deployed[0]!.server.inject({ fault: { type: 'stall', afterChunks: 1 }, times: 1 });
      const stream = await kernel.stream(ask('one two three four'));
      const error = await readStream(stream).catch((caught: unknown) => caught);
      expect(LoomError.isInstance(error)).toBe(true);
      expect((error as LoomError).isRetryable).toBe(true);
      await expect
        .poll(() => chatHits(deployed[0]!.server)[0]?.aborted, { timeout: 2_000 })
        .toBe(true);
    });

    it(`${wire}: a stream cut with no end marker is an error, never a clean end`, async () => {
      // Paced, so the first chunk reaches the caller before the cut.
      const { kernel, deployed } = await deploy([{ wire, options: { tokensPerSecond: 50 } }]);
      deployed[0]!.server.inject({ fault: { type: 'cut', afterChunks: 2 } });
      const stream = await kernel.stream(ask('one two three four five'));
      const seen: string[] = [];
      const error = await (async () => {
        for await (const part of stream) seen.push(part.type);
      })().catch((caught: unknown) => caught);
      expect(LoomError.isInstance(error) && error.isRetryable).toBe(true);
      expect(seen).not.toContain('finish');
      expect(seen).toContain('text-delta');
    });

    it(`${wire}: an in-band error or a malformed chunk before the first chunk fails over; after it, is thrown`, async () => {
      const { kernel, deployed } = await deploy([wire, 'openai']);
      for (const type of ['in-band-error', 'malformed'] as const) {
        deployed[0]!.server.inject({ fault: { type, afterChunks: 0 }, times: 1 });
        const early = await kernel.stream(ask('failover please'));
        expect(early.deployment.providerId).toBe(deployed[1]!.id);
        expect((await readStream(early)).text).toBe('failover please');
        deployed[0]!.server.inject({ fault: { type, afterChunks: 2 }, times: 1 });
        const late = await kernel.stream(ask('one two three four five'));
        expect(late.deployment.providerId).toBe(deployed[0]!.id);
        const error = await readStream(late).catch((caught: unknown) => caught);
        expect(error).toMatchObject({
          code: type === 'malformed' ? 'malformed_response' : expect.any(String),
        });
        expect(LoomError.isInstance(error)).toBe(true);
      }
    });
  }

  it('caller disconnects mid-stream: the upstream is aborted', async () => {
    const { kernel, deployed } = await deploy([
      { wire: 'openai', options: { tokensPerSecond: 20 } },
    ]);
    const stream = await kernel.stream(
      ask('a fairly long answer that streams slowly word by word'),
    );
    let seen = 0;
    for await (const part of stream) if (part.type === 'text-delta' && ++seen === 2) break;
    await expect
      .poll(() => chatHits(deployed[0]!.server)[0]?.aborted, { timeout: 2_000 })
      .toBe(true);
  });
});
