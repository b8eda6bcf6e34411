export { BENCH_HELP } from './cli/cli-help.js';
export { type BenchFlags, FlagError, parseBenchFlags } from './cli/parse-flags.js';
export { type BenchCliHost, type BenchCliIo, EXIT, runBenchCli } from './cli/run-bench-cli.js';
export {
  MAX_TIMER_MS,
  type ParseDurationOptions,
  parseDuration,
  parseDurationFlag,
} from './duration.js';
export { describeEnvironment, gitSha } from './environment.js';
export {
  builtInPrompt,
  loadPrompts,
  PROMPT_SIZES,
  type PromptSize,
  PromptsFileError,
} from './prompts.js';
export {
  type CompareOptions,
  type Comparison,
  compare,
  formatRegressions,
  type Regression,
} from './report/compare.js';
export {
  type LatencyPrior,
  type LatencyPriors,
  latencyPriorsFromResults,
} from './report/latency-priors.js';
export { toMarkdown } from './report/markdown-table.js';
export { toSvgChart } from './report/svg-chart.js';
export { parseResults, ResultsFileError, readResults, writeResults } from './results-file.js';
export {
  type BenchEnvironment,
  type BenchResults,
  benchResultsSchema,
  type Percentiles,
  type RunResult,
} from './results-schema.js';
export { LatencyHistogram } from './run/latency-histogram.js';
export {
  barProgress,
  lineProgress,
  type ProgressReporter,
  type ProgressStart,
  silentProgress,
  type TextSink,
} from './run/progress.js';
export { type BenchmarkOptions, runBenchmark } from './run/run-benchmark.js';
export type { RunSnapshot } from './run/run-recorder.js';
export {
  classifyError,
  HttpStatusError,
  RequestTimeoutError,
  StreamBrokenError,
} from './targets/bench-errors.js';
export type {
  BenchCall,
  BenchPrompt,
  BenchTarget,
  CallReport,
  CostTotals,
  Scenario,
} from './targets/bench-target.js';
export { COST_HEADER, createHttpTarget, type HttpTargetOptions } from './targets/http-target.js';
export { createKernelTarget, createProviderTarget } from './targets/provider-target.js';
export { readSseStream, type SseStreamReport } from './targets/read-sse-stream.js';
export { SseParser } from './targets/sse-parser.js';
export { VERSION } from './version.js';
