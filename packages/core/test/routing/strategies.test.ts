import { describe, expect, it } from 'vitest';
import {
  type ChatRequest,
  createKernel,
  type DeploymentTarget,
  type StrategyName,
} from '../../src/index.js';
import { fakeProvider, reply, wait } from '../fixtures/fake-provider.js';

const ask: ChatRequest = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };

function setup(
  strategy: StrategyName,
  targets: Array<Partial<DeploymentTarget> & { provider: string }>,
) {
  const providers = targets.map((t) => fakeProvider(t.provider));
  const kernel = createKernel({
    providers,
    models: [{ name: 'chat', targets: targets.map((t) => ({ model: 'm', ...t })) }],
    routing: { strategy },
  });
  const served = async (count: number, request: ChatRequest = ask) => {
    const tally: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const id = (await kernel.chat(request)).loom.deployment.providerId;
      tally[id] = (tally[id] ?? 0) + 1;
    }
    return tally;
  };
  return { kernel, providers, served };
}

describe('strategies', () => {
  it('priority: lowest priority number first, configured order on ties', async () => {
    const { served } = setup('priority', [
      { provider: 'a', priority: 2 },
      { provider: 'b', priority: 1 },
      { provider: 'c', priority: 1 },
    ]);
    expect(await served(5)).toEqual({ b: 5 });
  });

  it('round-robin: each deployment in turn', async () => {
    const { served } = setup('round-robin', [
      { provider: 'a' },
      { provider: 'b' },
      { provider: 'c' },
    ]);
    expect(await served(9)).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('weighted: shares follow the weights', async () => {
    const { served } = setup('weighted', [
      { provider: 'a', weight: 3 },
      { provider: 'b', weight: 1 },
    ]);
    const tally = await served(2_000);
    // 75 % expected; the bound is 6 standard deviations wide, so this does not flake.
    expect(tally.a! / 2_000).toBeGreaterThan(0.68);
    expect(tally.a! / 2_000).toBeLessThan(0.82);
  });

  it('cost: the cheapest priced deployment, local (free) first, unpriced last', async () => {
    const { served } = setup('cost', [
      { provider: 'unpriced' },
      { provider: 'openai', costPerMillionTokens: { input: 0.15, output: 0.6 } },
      { provider: 'local', costPerMillionTokens: { input: 0, output: 0 } },
    ]);
    expect(await served(3)).toEqual({ local: 3 });
  });

  it('a request can ask for cost or latency, overriding the configured strategy', async () => {
    const { served } = setup('priority', [
      { provider: 'pricey', costPerMillionTokens: { input: 5, output: 15 } },
      { provider: 'cheap', costPerMillionTokens: { input: 0.1, output: 0.4 } },
    ]);
    expect(await served(2, { ...ask, priority: 'cost' })).toEqual({ cheap: 2 });
    expect(await served(2)).toEqual({ pricey: 2 });
  });

  it('latency: prefers the deployment with the lower peak-EWMA latency', async () => {
    const { kernel, providers, served } = setup('latency', [
      { provider: 'slow' },
      { provider: 'fast' },
    ]);
    providers[0]!.chatScript.push(
      ...Array.from(
        { length: 50 },
        () => (_r: unknown, c: { signal: AbortSignal }) =>
          wait(30, c.signal).then(() => reply('slow')),
      ),
    );
    // Warm both estimates, then most traffic goes to the fast one.
    await Promise.all([kernel.chat(ask), kernel.chat(ask)]);
    const tally = await served(20);
    expect(tally.fast ?? 0).toBeGreaterThanOrEqual(18);
  });

  it('least-busy: follows in-flight requests and the provider load signal', async () => {
    const { kernel, providers } = setup('least-busy', [{ provider: 'busy' }, { provider: 'idle' }]);
    providers[0]!.doLoad = async () => ({ observedAt: Date.now(), waiting: 40, running: 8 });
    await kernel.chat(ask); // first call starts the load poll
    await wait(20, new AbortController().signal);
    const picks = await Promise.all(Array.from({ length: 5 }, () => kernel.chat(ask)));
    expect(picks.every((r) => r.loom.deployment.providerId === 'idle')).toBe(true);
  });

  it('balanced: documented score of health, latency, price and load', async () => {
    const { served } = setup('balanced', [
      { provider: 'pricey', costPerMillionTokens: { input: 10, output: 30 } },
      { provider: 'cheap', costPerMillionTokens: { input: 0.1, output: 0.4 } },
    ]);
    const tally = await served(10);
    expect(tally.cheap).toBe(10);
  });
});

describe('capability and context-window filtering', () => {
  const targets: DeploymentTarget[] = [
    {
      provider: 'text',
      model: 'm',
      contextWindow: 8_000,
      capabilities: { tools: false, vision: false, jsonSchema: false },
    },
    {
      provider: 'full',
      model: 'm',
      contextWindow: 128_000,
      capabilities: { tools: true, vision: true, jsonSchema: true },
    },
  ];
  const kernel = createKernel({
    providers: [fakeProvider('text'), fakeProvider('full')],
    models: [{ name: 'chat', targets }],
  });
  const servedBy = async (request: ChatRequest) =>
    (await kernel.chat(request)).loom.deployment.providerId;

  it('sends a plain request to the first deployment', async () => {
    expect(await servedBy(ask)).toBe('text');
  });

  it('sends tools, images, JSON schemas and long prompts only where they fit', async () => {
    const tools: ChatRequest = {
      ...ask,
      tools: [{ type: 'function', name: 'weather', parameters: { type: 'object' } }],
    };
    const image: ChatRequest = {
      ...ask,
      messages: [
        { role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }] },
      ],
    };
    const schema: ChatRequest = {
      ...ask,
      responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } },
    };
    const long: ChatRequest = {
      ...ask,
      messages: [{ role: 'user', content: 'word '.repeat(10_000) }],
    };
    for (const request of [tools, image, schema, long])
      expect(await servedBy(request)).toBe('full');
  });

  it('says which need nothing fits (unsupported_operation)', async () => {
    const huge: ChatRequest = {
      ...ask,
      messages: [{ role: 'user', content: 'word '.repeat(200_000) }],
    };
    await expect(kernel.chat(huge)).rejects.toMatchObject({
      code: 'unsupported_operation',
      statusCode: 400,
    });
    const explanation = await kernel.explain(huge);
    expect(explanation.candidates.map((c) => c.reason)).toEqual([
      'needs about 250000 tokens; context window is 8000',
      'needs about 250000 tokens; context window is 128000',
    ]);
  });
});
