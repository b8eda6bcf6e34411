import type { BenchResults, RunResult } from '../results-schema.js';

/** A deployment's expected latency, for the router to start from before it has traffic. */
export interface LatencyPrior {
  p50Ms: number;
  p95Ms: number;
  /** Time to first token, p50, from stream runs. */
  ttftP50Ms?: number;
  /** Requests the numbers come from. */
  samples: number;
}

/** Priors keyed by deployment id (`provider/model`). */
export type LatencyPriors = Record<string, LatencyPrior>;

const load = (run: RunResult) => run.concurrency ?? run.ratePerSecond ?? Infinity;

/**
 * Turns results files into per-deployment latency priors: for each deployment the run with the
 * least load (lowest concurrency or rate), since a prior should be the unloaded latency; the
 * streaming results add time to first token. Later files win over earlier ones for the same
 * deployment and scenario.
 */
export function latencyPriorsFromResults(...files: readonly BenchResults[]): LatencyPriors {
  const priors: LatencyPriors = {};
  const ttft: Record<string, number> = {};
  for (const results of files) {
    const chosen = new Map<string, { load: number; entry: RunResult['deployments'][string] }>();
    for (const run of results.runs) {
      for (const [id, entry] of Object.entries(run.deployments)) {
        if (entry.requests === 0) continue;
        const current = chosen.get(id);
        if (!current || load(run) < current.load) chosen.set(id, { load: load(run), entry });
      }
    }
    for (const [id, { entry }] of chosen) {
      if (entry.ttftP50Ms !== undefined) ttft[id] = entry.ttftP50Ms;
      // Stream latency is the whole answer; a chat file is a better total-latency prior.
      if (results.scenario === 'stream' && priors[id]) continue;
      priors[id] = { p50Ms: entry.p50Ms, p95Ms: entry.p95Ms, samples: entry.requests };
    }
  }
  for (const [id, value] of Object.entries(ttft)) {
    const prior = priors[id];
    if (prior) prior.ttftP50Ms = value;
  }
  return priors;
}
