import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { builtInPrompt, loadPrompts, PromptsFileError } from '../prompts.js';
import { compare, formatRegressions } from '../report/compare.js';
import { latencyPriorsFromResults } from '../report/latency-priors.js';
import { toMarkdown } from '../report/markdown-table.js';
import { toSvgChart } from '../report/svg-chart.js';
import { ResultsFileError, readResults, writeResults } from '../results-file.js';
import type { BenchResults } from '../results-schema.js';
import {
  barProgress,
  lineProgress,
  type ProgressReporter,
  silentProgress,
  type TextSink,
} from '../run/progress.js';
import { runBenchmark } from '../run/run-benchmark.js';
import type { BenchPrompt, BenchTarget } from '../targets/bench-target.js';
import { createHttpTarget } from '../targets/http-target.js';
import { BENCH_HELP } from './cli-help.js';
import { type BenchFlags, FlagError, parseBenchFlags } from './parse-flags.js';

/** Exit codes of `loom bench`. */
export const EXIT = { ok: 0, badInput: 1, failure: 2, regression: 3 } as const;

/** Where the CLI writes; defaults to the process's streams. */
export interface BenchCliIo {
  stdout: TextSink & { isTTY?: boolean };
  stderr: TextSink;
}

/**
 * What a host CLI may add: a target of its own (e.g. `loom bench --config` benches a kernel
 * built from a config file, in process); then `--url` is optional.
 */
export interface BenchCliHost {
  target?: (flags: BenchFlags) => BenchTarget | Promise<BenchTarget>;
}

const processIo = (): BenchCliIo => ({ stdout: process.stdout, stderr: process.stderr });

/**
 * `loom bench`: parses `argv` (without the command name), runs the benchmark against an
 * OpenAI-compatible URL, prints a Markdown table, writes the requested files, compares with a
 * baseline. Resolves with the exit code (0 ok, 1 bad flags or input, 2 failure, 3 regression);
 * it never calls `process.exit`, so a host CLI can delegate to it.
 */
export async function runBenchCli(
  argv: readonly string[],
  io: BenchCliIo = processIo(),
  host: BenchCliHost = {},
): Promise<number> {
  let flags: BenchFlags;
  let prompts: BenchPrompt[];
  let baseline: BenchResults | undefined;
  try {
    flags = parseBenchFlags(argv, { requireUrl: host.target === undefined });
    if (flags.help) {
      io.stdout.write(BENCH_HELP);
      return EXIT.ok;
    }
    prompts = await promptsOf(flags);
    if (flags.baseline) baseline = await readResults(flags.baseline);
  } catch (error) {
    if (
      error instanceof FlagError ||
      error instanceof PromptsFileError ||
      error instanceof ResultsFileError
    ) {
      io.stderr.write(`loom bench: ${error.message}\n`);
      if (error instanceof FlagError) io.stderr.write('Run `loom bench --help` for the flags.\n');
      return EXIT.badInput;
    }
    throw error;
  }
  try {
    const results = await run(flags, prompts, io, host);
    io.stdout.write(`\n${toMarkdown(results)}`);
    await writeOutputs(flags, results, io);
    if (results.runs.every((r) => r.succeeded === 0)) {
      io.stderr.write('loom bench: every request failed; see the errors column\n');
      return EXIT.failure;
    }
    if (baseline) {
      const comparison = compare(results, baseline, { thresholdPct: flags.thresholdPct });
      io.stdout.write(formatRegressions(comparison, flags.thresholdPct));
      if (comparison.missing.length > 0) {
        io.stdout.write(`baseline runs not measured now: ${comparison.missing.join(', ')}\n`);
      }
      if (comparison.regressions.length > 0) return EXIT.regression;
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`loom bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

async function promptsOf(flags: BenchFlags): Promise<BenchPrompt[]> {
  const prompts = flags.prompts
    ? await loadPrompts(flags.prompts)
    : [builtInPrompt(flags.promptSize)];
  return flags.maxTokens === undefined
    ? prompts
    : prompts.map((p) => ({ ...p, maxTokens: flags.maxTokens }));
}

function progressOf(flags: BenchFlags, io: BenchCliIo): ProgressReporter {
  const mode = flags.progress === 'auto' ? (io.stdout.isTTY ? 'bar' : 'lines') : flags.progress;
  if (mode === 'none') return silentProgress;
  if (mode === 'bar') return barProgress(io.stdout as unknown as NodeJS.WritableStream);
  return lineProgress(io.stdout);
}

async function run(
  flags: BenchFlags,
  prompts: BenchPrompt[],
  io: BenchCliIo,
  host: BenchCliHost,
): Promise<BenchResults> {
  const highest = Math.max(16, ...(flags.concurrency ?? [1]));
  const target = host.target
    ? await host.target(flags)
    : createHttpTarget({
        baseURL: flags.url,
        model: flags.model,
        apiKey: flags.apiKey,
        headers: flags.headers,
        connections: flags.connections ?? (flags.rates ? Math.max(highest, 256) : highest),
      });
  try {
    return await runBenchmark({
      target,
      scenario: flags.scenario,
      prompts,
      concurrency: flags.concurrency,
      rates: flags.rates,
      requests: flags.requests,
      durationMs: flags.durationMs,
      warmup: flags.warmup,
      timeoutMs: flags.timeoutMs,
      progress: progressOf(flags, io),
      name: flags.name,
    });
  } finally {
    await target.close?.();
  }
}

async function writeText(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function writeOutputs(flags: BenchFlags, results: BenchResults, io: BenchCliIo) {
  if (flags.json) {
    await writeResults(flags.json, results);
    io.stdout.write(`results: ${flags.json}\n`);
  }
  if (flags.markdown) {
    await writeText(flags.markdown, toMarkdown(results));
    io.stdout.write(`table: ${flags.markdown}\n`);
  }
  if (flags.svg) {
    await writeText(flags.svg, toSvgChart(results));
    io.stdout.write(`chart: ${flags.svg}\n`);
  }
  if (flags.priors) {
    await writeText(
      flags.priors,
      `${JSON.stringify(latencyPriorsFromResults(results), null, 2)}\n`,
    );
    io.stdout.write(`latency priors: ${flags.priors}\n`);
  }
}
