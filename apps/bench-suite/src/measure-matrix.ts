import {
  type BenchTarget,
  builtInPrompt,
  createHttpTarget,
  type RunResult,
  runBenchmark,
  type Scenario,
} from '@loom/bench';
import { cpuMsOf } from './processes.js';

/** A way to reach the upstream: directly, or through one of the proxies. */
export interface Hop {
  id: 'direct' | 'bare' | 'loom' | 'portkey';
  label: string;
  baseURL: string;
  headers?: Record<string, string>;
  /** The process that does this hop's work (the upstream itself for `direct`), for CPU time. */
  pid: number;
}

/** One cell of the matrix: a scenario at a concurrency through one hop. */
export interface MatrixCell {
  scenario: Scenario;
  concurrency: number;
  hop: Hop['id'];
  /** The round with the median throughput. */
  run: RunResult;
  /** Throughput of every round, req/s, to show the spread. */
  roundsRps: number[];
  /** CPU time of the hop's process per request in the median round (warm-up included), us. */
  cpuUsPerRequest: number;
}

/** How long each run is, by concurrency. */
export interface MatrixPlan {
  scenarios: Scenario[];
  concurrency: number[];
  requests: (concurrency: number) => number;
  warmup: (concurrency: number) => number;
  maxDurationMs: number;
  /** Rounds per cell, by concurrency; each hop's median round is kept, so a burst of other work
   * on the machine skews one round, not the figure. */
  rounds: (concurrency: number) => number;
  /** Unmeasured requests of each scenario through each hop before the first cell, at concurrency
   * 16: every process's JIT reaches its steady state, so the first cells (concurrency 1) do not
   * measure compilation. */
  prime: number;
}

/**
 * Runs every scenario x concurrency through every hop, in rounds: within a round the hops run back
 * to back (in a rotating order) so machine drift hits them alike, and each hop keeps its median
 * round by throughput. One keep-alive pool per hop, reused across runs.
 */
export async function measureMatrix(
  hops: Hop[],
  plan: MatrixPlan,
  log: (line: string) => void,
): Promise<MatrixCell[]> {
  const targets = new Map<Hop['id'], BenchTarget>();
  for (const hop of hops) {
    targets.set(
      hop.id,
      createHttpTarget({
        baseURL: hop.baseURL,
        model: 'gpt-4o-mini',
        apiKey: 'sk-bench-client',
        headers: hop.headers,
        connections: Math.max(...plan.concurrency),
      }),
    );
  }
  const cells: MatrixCell[] = [];
  try {
    for (const hop of hops) {
      for (const scenario of plan.scenarios) {
        await runBenchmark({
          target: targets.get(hop.id) as BenchTarget,
          scenario,
          prompts: [builtInPrompt('short')],
          concurrency: [16],
          requests: plan.prime,
          warmup: 0,
          timeoutMs: 30_000,
        });
      }
      log(`primed ${hop.label}: ${plan.prime} requests of each scenario`);
    }
    for (const scenario of plan.scenarios) {
      for (const concurrency of plan.concurrency) {
        const rounds = new Map<Hop['id'], Array<{ run: RunResult; cpuUs: number }>>();
        for (let round = 0; round < plan.rounds(concurrency); round++) {
          const order = hops.map((_, index) => hops[(index + round) % hops.length] as Hop);
          for (const hop of order) {
            const warmup =
              round === 0 ? plan.warmup(concurrency) : Math.ceil(plan.warmup(concurrency) / 5);
            const cpuBefore = cpuMsOf(hop.pid);
            const results = await runBenchmark({
              target: targets.get(hop.id) as BenchTarget,
              scenario,
              prompts: [builtInPrompt('short')],
              concurrency: [concurrency],
              requests: plan.requests(concurrency),
              durationMs: plan.maxDurationMs,
              warmup:
                round === 0 ? plan.warmup(concurrency) : Math.ceil(plan.warmup(concurrency) / 5),
              timeoutMs: 30_000,
            });
            const run = results.runs[0] as RunResult;
            const cpuUs = ((cpuMsOf(hop.pid) - cpuBefore) * 1000) / (run.requests + warmup);
            rounds.set(hop.id, [...(rounds.get(hop.id) ?? []), { run, cpuUs: Math.round(cpuUs) }]);
          }
        }
        for (const hop of hops) {
          const runs = rounds.get(hop.id) ?? [];
          const sorted = [...runs].sort((a, b) => a.run.throughputRps - b.run.throughputRps);
          const { run, cpuUs } = sorted[Math.floor(sorted.length / 2)] as (typeof runs)[number];
          const roundsRps = runs.map((r) => Math.round(r.run.throughputRps));
          cells.push({
            scenario,
            concurrency,
            hop: hop.id,
            run,
            roundsRps,
            cpuUsPerRequest: cpuUs,
          });
          log(`${describe(scenario, concurrency, hop, run, roundsRps)}  cpu ${cpuUs} us/req`);
        }
      }
    }
  } finally {
    for (const target of targets.values()) await target.close?.();
  }
  return cells;
}

function describe(
  scenario: Scenario,
  concurrency: number,
  hop: Hop,
  run: RunResult,
  rounds: number[],
) {
  const ttft = run.ttftMs ? `  ttft p50 ${run.ttftMs.p50.toFixed(3)} ms` : '';
  const errors = run.failed > 0 ? `  errors ${JSON.stringify(run.errors)}` : '';
  return `${scenario.padEnd(6)} c=${String(concurrency).padEnd(3)} ${hop.label.padEnd(13)} ${run.throughputRps.toFixed(0).padStart(6)} req/s (rounds ${rounds.join(', ')})  p50 ${run.latencyMs.p50.toFixed(3)} ms  p99 ${run.latencyMs.p99.toFixed(3)} ms${ttft}${errors}`;
}
