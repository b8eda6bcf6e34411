import type { RunResult } from '../results-schema.js';
import type { CallReport, CostTotals } from '../targets/bench-target.js';
import { LatencyHistogram } from './latency-histogram.js';

interface DeploymentHistograms {
  latency: LatencyHistogram;
  ttft: LatencyHistogram;
}

/** Live numbers of a run, for progress output. */
export interface RunSnapshot {
  done: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

/** Collects the outcomes of one run and turns them into a `RunResult`. */
export class RunRecorder {
  readonly latency = new LatencyHistogram();
  readonly ttft = new LatencyHistogram();
  readonly interToken = new LatencyHistogram();
  private readonly deployments = new Map<string, DeploymentHistograms>();
  private readonly errors: Record<string, number> = {};
  private succeeded = 0;
  private failed = 0;
  private skipped = 0;
  private inputTokens = 0;
  private outputTokens = 0;

  constructor(private readonly fallbackDeployment: string) {}

  /** A successful call that started (or was scheduled) at `startedAt` and ended at `endedAt`. */
  success(startedAt: number, endedAt: number, report: CallReport): void {
    this.succeeded += 1;
    const latency = endedAt - startedAt;
    this.latency.record(latency);
    this.inputTokens += report.inputTokens;
    this.outputTokens += report.outputTokens;
    const deployment = this.deployment(report.deploymentId ?? this.fallbackDeployment);
    deployment.latency.record(latency);
    if (report.firstTokenAt !== undefined) {
      const ttft = report.firstTokenAt - startedAt;
      this.ttft.record(ttft);
      deployment.ttft.record(ttft);
    }
    for (const gap of report.tokenGapsMs ?? []) this.interToken.record(gap);
  }

  /** A failed call, by class. */
  failure(errorClass: string): void {
    this.failed += 1;
    this.errors[errorClass] = (this.errors[errorClass] ?? 0) + 1;
  }

  /** An open-loop send skipped because too many requests were in flight. */
  skip(): void {
    this.skipped += 1;
  }

  /** Numbers so far, for progress. */
  snapshot(): RunSnapshot {
    return {
      done: this.succeeded + this.failed + this.skipped,
      failed: this.failed,
      p50Ms: this.latency.percentile(50),
      p99Ms: this.latency.percentile(99),
    };
  }

  /** The finished run. */
  result(
    run: Pick<RunResult, 'label' | 'mode' | 'concurrency' | 'ratePerSecond'>,
    durationMs: number,
    cost: CostTotals | undefined,
  ): RunResult {
    const seconds = durationMs / 1000;
    const result: RunResult = {
      ...run,
      requests: this.succeeded + this.failed + this.skipped,
      succeeded: this.succeeded,
      failed: this.failed,
      errors: { ...this.errors },
      durationMs: Math.round(durationMs * 1000) / 1000,
      throughputRps: seconds > 0 ? round(this.succeeded / seconds) : 0,
      outputTokensPerSecond: seconds > 0 ? round(this.outputTokens / seconds) : 0,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      latencyMs: this.latency.summary(),
      deployments: this.deploymentSummaries(),
    };
    if (this.skipped > 0) result.skipped = this.skipped;
    if (this.ttft.count > 0) result.ttftMs = this.ttft.summary();
    if (this.interToken.count > 0) result.interTokenMs = this.interToken.summary();
    if (cost && cost.priced + cost.unpriced > 0) {
      if (this.succeeded > 0 && cost.priced > 0) {
        result.costPer1kUsd = round((cost.micros / 1_000_000 / this.succeeded) * 1000, 6);
      }
      result.unpriced = cost.unpriced;
    }
    return result;
  }

  private deployment(id: string): DeploymentHistograms {
    let entry = this.deployments.get(id);
    if (!entry) {
      entry = { latency: new LatencyHistogram(), ttft: new LatencyHistogram() };
      this.deployments.set(id, entry);
    }
    return entry;
  }

  private deploymentSummaries(): RunResult['deployments'] {
    const out: RunResult['deployments'] = {};
    for (const [id, { latency, ttft }] of this.deployments) {
      out[id] = {
        requests: latency.count,
        p50Ms: round(latency.percentile(50), 3),
        p95Ms: round(latency.percentile(95), 3),
      };
      if (ttft.count > 0) out[id].ttftP50Ms = round(ttft.percentile(50), 3);
    }
    return out;
  }
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
