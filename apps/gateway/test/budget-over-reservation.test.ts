import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

describe('usage beyond a budget reservation', () => {
  let stack: RuntimeStack;
  let upstream: SimulatedUpstream;
  beforeAll(async () => {
    // Hidden reasoning tokens are billed past `max_tokens`, which is all admission reserved.
    upstream = await startOpenAIServer({ reasoningTokens: 5_000 });
    stack = await startRuntimeStack({
      providers: [
        { id: 'primary', type: 'openai', baseURL: upstream.baseURL },
        { id: 'backup', type: 'openai', baseURL: upstream.baseURL },
      ],
      budgets: [{ name: 'daily', limitUsd: 10, action: 'block' }],
    });
    await stack.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Think hard' }],
      max_tokens: 16,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('is counted on /metrics with the budget and its scope', async () => {
    const counted =
      'loom_budget_over_reservation_total{loom_budget_name="daily",loom_budget_scope="global"} 1';
    // Reconciliation may finish just after the answer was sent.
    await eventually(async () => (await stack.get('/metrics')).text.includes(counted));
    const { text } = await stack.get('/metrics');
    const excess = /^loom_budget_over_reservation_excess_usd_total\{[^}]*\} (\S+)$/m.exec(text);
    // 5 000 reasoning tokens at gpt-4o-mini's $0.60 per million, less the 16 reserved.
    expect(Number(excess?.[1])).toBeGreaterThan(0.0029);
  });
});
