import { nowMs } from '../clock.js';
import { describeEnvironment } from '../environment.js';
import type { BenchResults, RunResult } from '../results-schema.js';
import { classifyError } from '../targets/bench-errors.js';
import type { BenchPrompt, BenchTarget, CostTotals, Scenario } from '../targets/bench-target.js';
import { CallDeadlines } from './call-deadlines.js';
import { closedLoop, openLoop, type SendOne, type StopRule } from './load-loops.js';
import { type ProgressReporter, silentProgress } from './progress.js';
import { RunRecorder } from './run-recorder.js';

/** Options of `runBenchmark`. */
export interface BenchmarkOptions {
  target: BenchTarget;
  scenario: Scenario;
  /** Prompts, used round-robin; at least one. */
  prompts: readonly BenchPrompt[];
  /** Closed-loop concurrency levels, one run each (default `[1]` unless `rates` is given). */
  concurrency?: readonly number[];
  /** Open-loop arrival rates in requests per second, one run each. */
  rates?: readonly number[];
  /** Requests per run. */
  requests?: number;
  /** Duration per run, ms (with `requests`, whichever ends first). */
  durationMs?: number;
  /** Unmeasured requests before each run; default 0. */
  warmup?: number;
  /** Per-request timeout, ms; default 30 000. */
  timeoutMs?: number;
  /** Open loop: most requests in flight before sends are skipped; default 4 096. */
  maxInFlight?: number;
  /** Progress display; default none. */
  progress?: ProgressReporter;
  /** A name stored in the results. */
  name?: string;
}

/**
 * Runs a benchmark: a closed-loop sweep over `concurrency`, then an open-loop run per `rate`,
 * each after its own warm-up, and returns results with environment details.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchResults> {
  if (options.prompts.length === 0) throw new Error('runBenchmark needs at least one prompt');
  if (options.requests === undefined && options.durationMs === undefined) {
    throw new Error('runBenchmark needs `requests` or `durationMs`');
  }
  const startedAt = new Date();
  const rates = options.rates ?? [];
  const levels = options.concurrency ?? (rates.length > 0 ? [] : [1]);
  const stop: StopRule = { requests: options.requests, durationMs: options.durationMs };
  const runs: RunResult[] = [];
  for (const concurrency of levels) {
    runs.push(
      await measure(options, `c=${concurrency}`, concurrency, stop, (send) =>
        closedLoop(send, concurrency, stop),
      ),
    );
  }
  for (const rate of rates) {
    const warmupConcurrency = Math.max(1, Math.min(16, Math.ceil(rate / 100)));
    runs.push(
      await measure(options, `rate=${rate}/s`, warmupConcurrency, stop, (send, recorder) =>
        openLoop(send, rate, stop, {
          maxInFlight: options.maxInFlight ?? 4_096,
          onSkip: () => recorder.skip(),
        }),
      ).then((run) => ({
        ...run,
        mode: 'open' as const,
        concurrency: undefined,
        ratePerSecond: rate,
      })),
    );
  }
  const settings: BenchResults['settings'] = {
    warmup: options.warmup ?? 0,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  if (options.requests !== undefined) settings.requests = options.requests;
  if (options.durationMs !== undefined) settings.durationMs = options.durationMs;
  const results: BenchResults = {
    schema: 'loom-bench/v1',
    target: { kind: options.target.kind, name: options.target.name, model: options.target.model },
    scenario: options.scenario,
    prompts: options.prompts.map((prompt) => prompt.id),
    settings,
    environment: describeEnvironment(startedAt, new Date()),
    runs: runs.map(dropUndefined),
  };
  if (options.name) results.name = options.name;
  return results;
}

type Loop = (send: SendOne, recorder: RunRecorder) => Promise<number>;

async function measure(
  options: BenchmarkOptions,
  label: string,
  warmupConcurrency: number,
  stop: StopRule,
  loop: Loop,
): Promise<RunResult> {
  const { target } = options;
  const warmup = options.warmup ?? 0;
  const deadlines = new CallDeadlines(options.timeoutMs ?? 30_000);
  if (warmup > 0) {
    const discard = new RunRecorder(target.model);
    await closedLoop(sender(options, discard, deadlines), Math.min(warmupConcurrency, warmup), {
      requests: warmup,
    });
  }
  const recorder = new RunRecorder(`${target.name}/${target.model}`);
  const progress = options.progress ?? silentProgress;
  const costBefore = target.costTotals?.();
  progress.start({
    label,
    total: stop.requests,
    durationMs: stop.durationMs,
    snapshot: () => recorder.snapshot(),
  });
  let durationMs: number;
  try {
    durationMs = await loop(sender(options, recorder, deadlines), recorder);
  } finally {
    progress.stop();
    deadlines.stop();
  }
  // Cost events of the last requests may be emitted just after they resolve.
  await new Promise((resolve) => setImmediate(resolve));
  const cost =
    costBefore && target.costTotals ? difference(target.costTotals(), costBefore) : undefined;
  return recorder.result(
    { label, mode: 'closed', concurrency: warmupConcurrency },
    durationMs,
    cost,
  );
}

function sender(
  options: BenchmarkOptions,
  recorder: RunRecorder,
  deadlines: CallDeadlines,
): SendOne {
  const prompts = options.prompts;
  let next = 0;
  return async (startedAt) => {
    const prompt = prompts[next++ % prompts.length] as BenchPrompt;
    const deadline = deadlines.start();
    try {
      const report = await options.target.call({
        scenario: options.scenario,
        prompt,
        get signal() {
          return deadline.signal;
        },
        cancellation: deadline,
        startedAt,
      });
      recorder.success(startedAt, nowMs(), report);
    } catch (error) {
      recorder.failure(classifyError(deadline.aborted ? deadline.reason : error));
    } finally {
      deadlines.finish(deadline);
    }
  };
}

function difference(after: CostTotals, before: CostTotals): CostTotals {
  return {
    micros: after.micros - before.micros,
    priced: after.priced - before.priced,
    unpriced: after.unpriced - before.unpriced,
  };
}

function dropUndefined(run: RunResult): RunResult {
  return Object.fromEntries(
    Object.entries(run).filter(([, value]) => value !== undefined),
  ) as RunResult;
}
