import { builtInPrompt, createHttpTarget, runBenchmark } from '@loom/bench';
import type { Child } from './processes.js';

/** The gateway's resident memory before traffic and after many requests. */
export interface MemoryFigures {
  requests: number;
  concurrency: number;
  idleMb: number;
  afterWarmupMb: number;
  afterLoadMb: number;
  /** After the load and a few seconds of rest (the collector has had time to run). */
  afterRestMb: number;
  growthFromIdleMb: number;
  growthFromWarmupMb: number;
  failed: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Reads a fresh gateway process's RSS idle, after a warm-up, then after `requests` chat requests
 * at concurrency 64 (or as many as fit in `maxDurationMs`) and a rest.
 */
export async function measureMemory(
  gateway: Child,
  requests: number,
  maxDurationMs = 150_000,
): Promise<MemoryFigures> {
  await sleep(1_000);
  const idleMb = gateway.rssMb();
  const concurrency = 64;
  const target = createHttpTarget({
    baseURL: `${gateway.url}/v1`,
    model: 'gpt-4o-mini',
    apiKey: 'sk-bench-client',
    connections: concurrency,
  });
  try {
    const common = {
      target,
      scenario: 'chat' as const,
      prompts: [builtInPrompt('short')],
      concurrency: [concurrency],
    };
    await runBenchmark({ ...common, requests: 5_000 });
    const afterWarmupMb = gateway.rssMb();
    // Capped in time so an overloaded machine cannot stall the suite; the count sent is reported.
    const results = await runBenchmark({ ...common, requests, durationMs: maxDurationMs });
    const afterLoadMb = gateway.rssMb();
    await sleep(3_000);
    const afterRestMb = gateway.rssMb();
    return {
      requests: results.runs[0]?.requests ?? 0,
      concurrency,
      idleMb,
      afterWarmupMb,
      afterLoadMb,
      afterRestMb,
      growthFromIdleMb: round(afterRestMb - idleMb),
      growthFromWarmupMb: round(afterRestMb - afterWarmupMb),
      failed: results.runs[0]?.failed ?? 0,
    };
  } finally {
    await target.close?.();
  }
}
