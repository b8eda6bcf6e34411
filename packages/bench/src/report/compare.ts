import type { BenchResults, RunResult } from '../results-schema.js';

/** One metric of one run that got worse than the baseline by more than the threshold. */
export interface Regression {
  /** Run label (`c=16`). */
  run: string;
  /** `latency p50`, `throughput`, `ttft p99`, `error rate`... */
  metric: string;
  baseline: number;
  current: number;
  /** How much worse, percent (for error rate: percentage points). */
  changePct: number;
}

/** Options of `compare`. */
export interface CompareOptions {
  /** Allowed worsening, percent; default 10. */
  thresholdPct?: number;
}

/** The outcome of `compare`. */
export interface Comparison {
  regressions: Regression[];
  /** Baseline runs with no run of the same label in the current results. */
  missing: string[];
}

interface Metric {
  name: string;
  read: (run: RunResult) => number | undefined;
  /** Higher is better (throughput) instead of lower (latency). */
  higherIsBetter?: boolean;
}

const METRICS: Metric[] = [
  { name: 'latency p50', read: (run) => run.latencyMs.p50 },
  { name: 'latency p99', read: (run) => run.latencyMs.p99 },
  { name: 'throughput', read: (run) => run.throughputRps, higherIsBetter: true },
  { name: 'ttft p50', read: (run) => run.ttftMs?.p50 },
  { name: 'ttft p99', read: (run) => run.ttftMs?.p99 },
];

/**
 * Compares current results with a saved baseline, run by run (matched by label): latency and
 * time-to-first-token percentiles may not grow, and throughput may not fall, by more than
 * `thresholdPct` percent; the error rate may not grow by more than `thresholdPct` points.
 */
export function compare(
  current: BenchResults,
  baseline: BenchResults,
  options: CompareOptions = {},
): Comparison {
  const threshold = options.thresholdPct ?? 10;
  const regressions: Regression[] = [];
  const missing: string[] = [];
  for (const before of baseline.runs) {
    const now = current.runs.find((run) => run.label === before.label);
    if (!now) {
      missing.push(before.label);
      continue;
    }
    for (const metric of METRICS) {
      const base = metric.read(before);
      const value = metric.read(now);
      if (base === undefined || value === undefined || base <= 0) continue;
      const changePct = ((metric.higherIsBetter ? base - value : value - base) / base) * 100;
      if (changePct > threshold) {
        regressions.push({
          run: before.label,
          metric: metric.name,
          baseline: base,
          current: value,
          changePct: round(changePct),
        });
      }
    }
    const rateChange = (errorRate(now) - errorRate(before)) * 100;
    if (rateChange > threshold) {
      regressions.push({
        run: before.label,
        metric: 'error rate',
        baseline: errorRate(before),
        current: errorRate(now),
        changePct: round(rateChange),
      });
    }
  }
  return { regressions, missing };
}

function errorRate(run: RunResult): number {
  return run.requests === 0 ? 0 : (run.failed + (run.skipped ?? 0)) / run.requests;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Regressions as lines of text, for the CLI. */
export function formatRegressions(comparison: Comparison, thresholdPct: number): string {
  if (comparison.regressions.length === 0) {
    return `no regression past ${thresholdPct}% against the baseline\n`;
  }
  const lines = comparison.regressions.map(
    (r) =>
      `  ${r.run} ${r.metric}: ${r.baseline} -> ${r.current} (${r.changePct > 0 ? '+' : ''}${r.changePct}% worse)`,
  );
  return `REGRESSION past ${thresholdPct}% against the baseline:\n${lines.join('\n')}\n`;
}
