import { builtInPrompt, createHttpTarget, runBenchmark } from '@loom/bench';
import type { Child } from './processes.js';

/** The gateway's resident memory before traffic, under load, and as it settles afterwards. */
export interface MemoryFigures {
  requests: number;
  concurrency: number;
  idleMb: number;
  afterWarmupMb: number;
  /** Right after the load: what a container must have room for. */
  afterLoadMb: number;
  /** After a rest just longer than the gateway's 10 s system-metrics interval. */
  afterShortRestMb: number;
  /** What V8 keeps reserved for its heap at that point (heapTotal, from the gateway's own
   * `/metrics`): most of the growth. Heap *used* is not shown: sampled between collections, it
   * counts dead objects too. */
  heapTotalShortRestMb?: number;
  /** At the end of the whole rest (`REST_MS`), once V8's memory reducer has had time to run. */
  settledMb: number;
  heapTotalSettledMb?: number;
  /** Seconds into the rest when RSS first fell by more than half of the load's growth; absent
   * when it never did. */
  returnedAfterS?: number;
  /** Growth that stays: settled minus idle. */
  growthFromIdleMb: number;
  growthFromWarmupMb: number;
  failed: number;
}

/** The gateway exports V8's heapTotal under this name (OpenTelemetry's v8js runtime metric). */
const HEAP_TOTAL = 'v8js_memory_heap_limit_bytes';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const round = (value: number) => Math.round(value * 10) / 10;
/** Long enough for the gateway's system collector (every 10 s) to have read the heap after load. */
export const SHORT_REST_MS = 11_000;
/**
 * The whole rest. V8's memory reducer gives back the young generation and the old generation's
 * headroom some seconds after allocation stops (20-28 s on the suite's machine); a minute
 * leaves room for slower machines, and RSS is sampled every second so the report says when.
 */
export const REST_MS = 60_000;

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
    const rest = await followRest(gateway, idleMb, afterLoadMb);
    return {
      requests: results.runs[0]?.requests ?? 0,
      concurrency,
      idleMb,
      afterWarmupMb,
      afterLoadMb,
      ...rest,
      growthFromIdleMb: round(rest.settledMb - idleMb),
      growthFromWarmupMb: round(rest.settledMb - afterWarmupMb),
      failed: results.runs[0]?.failed ?? 0,
    };
  } finally {
    await target.close?.();
  }
}

type RestFigures = Pick<
  MemoryFigures,
  | 'afterShortRestMb'
  | 'heapTotalShortRestMb'
  | 'settledMb'
  | 'heapTotalSettledMb'
  | 'returnedAfterS'
>;

/** Samples RSS every second of the rest; reads V8's reserve after the short rest and at the end. */
async function followRest(gateway: Child, idleMb: number, afterLoadMb: number) {
  const halfway = afterLoadMb - (afterLoadMb - idleMb) / 2;
  const figures: Partial<RestFigures> = {};
  for (let second = 1; second * 1_000 <= REST_MS; second++) {
    await sleep(1_000);
    const rss = gateway.rssMb();
    if (figures.returnedAfterS === undefined && rss < halfway) figures.returnedAfterS = second;
    if (second * 1_000 === SHORT_REST_MS) {
      figures.afterShortRestMb = rss;
      const reserve = await gaugeMb(gateway.url, HEAP_TOTAL);
      if (reserve !== undefined) figures.heapTotalShortRestMb = reserve;
    }
  }
  figures.settledMb = gateway.rssMb();
  const reserve = await gaugeMb(gateway.url, HEAP_TOTAL);
  if (reserve !== undefined) figures.heapTotalSettledMb = reserve;
  return figures as RestFigures;
}
