import { createKernel, definePlugin, type Kernel } from '@loom/core';
import { createOpenAI } from '@loom/provider-openai';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtInPrompt,
  createKernelTarget,
  createProviderTarget,
  latencyPriorsFromResults,
  runBenchmark,
} from '../src/index.js';

// A pricing plugin as a third party would write one: $1 per million input tokens, $2 per
// million output tokens, reported through the kernel's `cost:recorded` event. Requests for the
// `free` alias are reported as unpriced.
const pricing = definePlugin({
  name: 'test-pricing',
  setup(api) {
    api.events.on('attempt:end', (event) => {
      if (!event.usage) return;
      const unpriced = event.deployment.providerId === 'other';
      api.emit('cost:recorded', {
        requestId: event.requestId,
        operation: event.operation,
        attempt: event.attempt,
        deployment: event.deployment,
        timestamp: event.timestamp,
        costMicros: unpriced ? 0 : event.usage.inputTokens * 1 + event.usage.outputTokens * 2,
        unpriced,
        inputTokens: event.usage.inputTokens,
        outputTokens: event.usage.outputTokens,
        estimated: event.usage.estimated,
      });
    });
  },
});

let upstream: SimulatedUpstream;
let kernel: Kernel;
beforeAll(async () => {
  upstream = await startOpenAIServer();
  kernel = createKernel({
    providers: [createOpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-test' })],
    models: [{ name: 'chat', targets: ['openai/gpt-4o-mini'] }],
    plugins: [pricing],
    health: { intervalMs: 0 },
  });
  await kernel.start();
});
afterAll(async () => {
  await kernel.stop();
  await upstream.close();
});

describe('in-process targets', () => {
  it('runs through a kernel and reports cost per 1,000 requests from cost:recorded events', async () => {
    const target = createKernelTarget(kernel, 'chat');
    const results = await runBenchmark({
      target,
      scenario: 'chat',
      prompts: [builtInPrompt('short')],
      concurrency: [1, 8],
      requests: 40,
      warmup: 4,
    });
    await target.close?.();
    const answered = upstream.requests.filter((r) => r.path === '/v1/chat/completions').slice(-40);
    for (const run of results.runs) {
      expect(run.succeeded).toBe(40);
      expect(run.deployments['openai/gpt-4o-mini']?.requests).toBe(40);
      expect(run.unpriced).toBe(0);
    }
    // Every answer has the same usage: check the arithmetic against what the upstream reported.
    const usage = answered[0]?.answer?.usage;
    if (!usage) throw new Error('the simulator reported no usage');
    const perRequestUsd = (usage.inputTokens * 1 + usage.outputTokens * 2) / 1_000_000;
    expect(results.runs[1]?.costPer1kUsd).toBeCloseTo(perRequestUsd * 1000, 6);
    expect(latencyPriorsFromResults(results)['openai/gpt-4o-mini']?.samples).toBe(40);
  });

  it('streams through a kernel, timing the first token', async () => {
    const target = createKernelTarget(kernel, 'chat');
    const results = await runBenchmark({
      target,
      scenario: 'stream',
      prompts: [builtInPrompt('medium')],
      concurrency: [4],
      requests: 20,
    });
    await target.close?.();
    const run = results.runs[0];
    expect(run?.succeeded).toBe(20);
    expect(run?.ttftMs?.count).toBe(20);
    expect(run?.outputTokens).toBeGreaterThan(20);
    expect(run?.costPer1kUsd).toBeGreaterThan(0);
  });

  it('calls a provider directly, with no kernel and no cost', async () => {
    const provider = createOpenAI({ id: 'direct', baseURL: upstream.baseURL, apiKey: 'sk-test' });
    const target = createProviderTarget(provider, 'text-embedding-3-small');
    const results = await runBenchmark({
      target,
      scenario: 'embeddings',
      prompts: [builtInPrompt('short')],
      concurrency: [2],
      requests: 10,
    });
    await target.close?.();
    expect(results.target).toEqual({
      kind: 'provider',
      name: 'direct',
      model: 'text-embedding-3-small',
    });
    expect(results.runs[0]).toMatchObject({
      succeeded: 10,
      deployments: { 'direct/text-embedding-3-small': { requests: 10 } },
    });
    expect(results.runs[0]?.costPer1kUsd).toBeUndefined();
  });
});
