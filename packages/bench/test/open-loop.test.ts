import { startOpenAIServer } from '@loom/testkit';
import { describe, expect, it } from 'vitest';
import { builtInPrompt, createHttpTarget, runBenchmark } from '../src/index.js';

describe('open loop', () => {
  it('sends at the planned rate and counts queueing from the scheduled time (no coordinated omission)', async () => {
    // One connection and 20 ms per answer: the target serves 50 req/s at most. Offered 200 req/s,
    // requests queue and the last ones wait hundreds of ms, which an open loop must report.
    const upstream = await startOpenAIServer({ latencyMs: 20 });
    const target = createHttpTarget({
      baseURL: upstream.baseURL,
      model: 'gpt-4o-mini',
      connections: 1,
    });
    try {
      const common = {
        target,
        scenario: 'chat' as const,
        prompts: [builtInPrompt('short')],
        requests: 30,
      };
      const closed = await runBenchmark({ ...common, concurrency: [1] });
      const open = await runBenchmark({ ...common, rates: [200] });
      const closedRun = closed.runs[0];
      const openRun = open.runs[0];
      expect(openRun).toMatchObject({
        label: 'rate=200/s',
        mode: 'open',
        ratePerSecond: 200,
        succeeded: 30,
      });
      expect(openRun?.concurrency).toBeUndefined();
      // Closed loop at concurrency 1 sees about the service time only.
      expect(closedRun?.latencyMs.p50).toBeGreaterThanOrEqual(19);
      // 30 requests x 20 ms of service against 30 x 5 ms of arrivals: the last waits ~450 ms.
      expect(openRun?.latencyMs.max).toBeGreaterThan(300);
      expect(openRun?.latencyMs.p99).toBeGreaterThan((closedRun?.latencyMs.p99 ?? 0) * 3);
    } finally {
      await target.close?.();
      await upstream.close();
    }
  });

  it('keeps the arrival rate when the target is fast', async () => {
    const upstream = await startOpenAIServer();
    const target = createHttpTarget({ baseURL: upstream.baseURL, model: 'gpt-4o-mini' });
    try {
      const results = await runBenchmark({
        target,
        scenario: 'chat',
        prompts: [builtInPrompt('short')],
        rates: [100],
        durationMs: 500,
      });
      const run = results.runs[0];
      expect(run?.requests).toBe(50);
      expect(run?.succeeded).toBe(50);
      // 50 sends spread over ~490 ms, not fired at once.
      expect(run?.durationMs).toBeGreaterThan(450);
    } finally {
      await target.close?.();
      await upstream.close();
    }
  });
});
