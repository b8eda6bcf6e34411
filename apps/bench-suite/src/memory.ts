import { builtInPrompt, createHttpTarget, runBenchmark } from '@loom/bench';
import type { Child } from './processes.js';

/** The gateway's resident memory before traffic and after many requests. */
export interface MemoryFigures {
  requests: number;
  concurrency: number;
  idleMb: number;
  afterWarmupMb: number;
  afterLoadMb: number;
  /** After the load and a rest longer than the gateway's 10 s system-metrics interval. */
  afterRestMb: number;
  /** What V8 keeps reserved for its heap after the rest (heapTotal, from the gateway's own
   * `/metrics`): most of the growth. Heap *used* is not shown: sampled between collections, it
   * counts dead objects too. */
  heapTotalMb?: number;
  growthFromIdleMb: number;
  growthFromWarmupMb: number;
  failed: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const round = (value: number) => Math.round(value * 10) / 10;
/** Long enough for the gateway's system collector (every 10 s) to have read the heap after load. */
export const REST_MS = 11_000;

/** A gauge from a Prometheus text exposition, in MB; undefined when absent. */
async function gaugeMb(url: string, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? round(Number(line.slice(name.length + 1)) / 1_048_576) : undefined;
  } catch {
    return undefined;
  }
}

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
    await sleep(REST_MS);
    const afterRestMb = gateway.rssMb();
    const heapTotalMb = await gaugeMb(gateway.url, 'v8js_memory_heap_limit_bytes');
    return {
      requests: results.runs[0]?.requests ?? 0,
      concurrency,
      idleMb,
      afterWarmupMb,
      afterLoadMb,
      afterRestMb,
      ...(heapTotalMb === undefined ? {} : { heapTotalMb }),
      growthFromIdleMb: round(afterRestMb - idleMb),
      growthFromWarmupMb: round(afterRestMb - afterWarmupMb),
      failed: results.runs[0]?.failed ?? 0,
    };
  } finally {
    await target.close?.();
  }
}
