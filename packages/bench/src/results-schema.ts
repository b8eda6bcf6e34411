import { z } from 'zod';

const nonNegative = z.number().nonnegative();

/** Percentiles of one measured quantity, milliseconds. */
export const percentilesSchema = z.object({
  count: z.number().int().nonnegative(),
  min: nonNegative,
  mean: nonNegative,
  p50: nonNegative,
  p90: nonNegative,
  p95: nonNegative,
  p99: nonNegative,
  p999: nonNegative,
  max: nonNegative,
});

/** Latency of one deployment within a run, for router priors. */
export const deploymentLatencySchema = z.object({
  requests: z.number().int().nonnegative(),
  p50Ms: nonNegative,
  p95Ms: nonNegative,
  ttftP50Ms: nonNegative.optional(),
});

/** One measured run: a concurrency level (closed loop) or an arrival rate (open loop). */
export const runResultSchema = z.object({
  /** `c=16` or `rate=200/s`; runs of two files are matched by label. */
  label: z.string().min(1),
  mode: z.enum(['closed', 'open']),
  concurrency: z.number().int().positive().optional(),
  ratePerSecond: z.number().positive().optional(),
  requests: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Open loop only: sends skipped because too many requests were already in flight. */
  skipped: z.number().int().nonnegative().optional(),
  /** Failures by class (`http_429`, `timeout`, `connection_reset`, `stream_cut`...). */
  errors: z.record(z.string(), z.number().int().positive()),
  durationMs: nonNegative,
  /** Successful requests per second. */
  throughputRps: nonNegative,
  /** Generated tokens per second over the run. */
  outputTokensPerSecond: nonNegative,
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  latencyMs: percentilesSchema,
  ttftMs: percentilesSchema.optional(),
  interTokenMs: percentilesSchema.optional(),
  /** US dollars per 1,000 successful requests, when the target reported cost. */
  costPer1kUsd: nonNegative.optional(),
  /** Requests or attempts with no known price during the run. */
  unpriced: z.number().int().nonnegative().optional(),
  deployments: z.record(z.string(), deploymentLatencySchema),
});

/** Where and when the numbers were taken. */
export const environmentSchema = z.object({
  node: z.string(),
  platform: z.string(),
  release: z.string(),
  arch: z.string(),
  cpu: z.string(),
  cores: z.number().int().positive(),
  totalMemoryMb: z.number().int().nonnegative(),
  gitSha: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
});

/** A results file of `@loom/bench` (`loom bench --json`). */
export const benchResultsSchema = z.object({
  schema: z.literal('loom-bench/v1'),
  name: z.string().optional(),
  target: z.object({
    kind: z.enum(['http', 'provider', 'kernel']),
    name: z.string(),
    model: z.string(),
  }),
  scenario: z.enum(['chat', 'stream', 'embeddings']),
  prompts: z.array(z.string()).min(1),
  settings: z.object({
    warmup: z.number().int().nonnegative(),
    requests: z.number().int().positive().optional(),
    durationMs: z.number().positive().optional(),
    timeoutMs: z.number().positive(),
  }),
  environment: environmentSchema,
  runs: z.array(runResultSchema).min(1),
});

/** Percentiles of one measured quantity, milliseconds. */
export type Percentiles = z.infer<typeof percentilesSchema>;
/** One measured run. */
export type RunResult = z.infer<typeof runResultSchema>;
/** Environment details of a results file. */
export type BenchEnvironment = z.infer<typeof environmentSchema>;
/** A whole results file. */
export type BenchResults = z.infer<typeof benchResultsSchema>;
