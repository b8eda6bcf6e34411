import { createKernel } from '@loom/core';
import { costPlugin } from '@loom/cost';
import { createOllama } from '@loom/provider-ollama';
import { createOpenAI } from '@loom/provider-openai';
import { describe, expect, it } from 'vitest';
import { ask, chatHits, upstream } from './harness.js';

describe('budgets end to end', () => {
  it('downgrade moves traffic to the local model when the daily limit is reached', async () => {
    // A long answer makes each OpenAI call cost enough that the limit is reached quickly.
    const reply = () => 'word '.repeat(400).trim();
    const openai = await upstream('openai', { reply });
    const ollama = await upstream('ollama', { reply });
    const cost = costPlugin({
      budgets: [{ name: 'daily', limitUsd: 0.15, action: 'downgrade', timeZone: 'UTC' }],
      pricing: {
        providers: {
          openai: {
            models: { 'gpt-4o-mini': { inputPerMillionUsd: 1, outputPerMillionUsd: 100 } },
          },
        },
      },
    });
    const kernel = createKernel({
      providers: [
        createOpenAI({ id: 'openai', baseURL: openai.baseURL, apiKey: 'sk-budget-test' }),
        createOllama({ id: 'local', baseURL: ollama.baseURL }),
      ],
      plugins: [cost],
      models: [{ name: 'chat', targets: ['openai/gpt-4o-mini', 'local/llama3.2'] }],
      health: { intervalMs: 0 },
    });
    const served: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await kernel.chat({ ...ask('hi'), maxTokens: 1_000 });
      served.push(response.loom.deployment.providerId);
    }
    await kernel.stop();
    // Each OpenAI answer (about 533 simulated output tokens at $100 per million) costs about
    // $0.053; the worst case of the next one (1,000 tokens, $0.10) stops fitting after the first.
    expect(served[0]).toBe('openai');
    expect(served.slice(-2)).toEqual(['local', 'local']);
    expect(chatHits(ollama).length).toBeGreaterThanOrEqual(2);
    const report = await cost.report({ groupBy: 'provider' });
    expect(report.totalMicros).toBeGreaterThan(0);
    expect(report.totalMicros).toBeLessThanOrEqual(150_000);
  });
});
