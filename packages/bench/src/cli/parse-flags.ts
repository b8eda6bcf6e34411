import { parseArgs } from 'node:util';
import { parseDurationFlag } from '../duration.js';
import { PROMPT_SIZES, type PromptSize } from '../prompts.js';
import type { Scenario } from '../targets/bench-target.js';

/** A bad flag; the CLI prints the message and exits 1. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** Parsed, checked flags of `loom bench`. */
export interface BenchFlags {
  help: boolean;
  url: string;
  model: string;
  apiKey?: string;
  headers: Record<string, string>;
  connections?: number;
  scenario: Scenario;
  prompts?: string;
  promptSize: PromptSize;
  maxTokens?: number;
  concurrency?: number[];
  rates?: number[];
  requests?: number;
  durationMs?: number;
  warmup: number;
  timeoutMs: number;
  json?: string;
  markdown?: string;
  svg?: string;
  priors?: string;
  name?: string;
  progress: 'auto' | 'bar' | 'lines' | 'none';
  baseline?: string;
  thresholdPct: number;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  model: { type: 'string' },
  'api-key': { type: 'string' },
  header: { type: 'string', multiple: true },
  connections: { type: 'string' },
  scenario: { type: 'string' },
  prompts: { type: 'string' },
  'prompt-size': { type: 'string' },
  'max-tokens': { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  requests: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  svg: { type: 'string' },
  priors: { type: 'string' },
  name: { type: 'string' },
  progress: { type: 'string' },
  baseline: { type: 'string' },
  threshold: { type: 'string' },
} as const;

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new FlagError(`--${flag} must be a positive whole number, got "${text}"`);
  }
  return value;
}

function positiveList(flag: string, text: string | undefined, integer: boolean) {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      const kind = integer ? 'positive whole numbers' : 'positive numbers';
      throw new FlagError(`--${flag} must be comma-separated ${kind}, got "${text}"`);
    }
    return value;
  });
}

/** A duration flag (`30s`, `1500ms`, `2m`; a bare number is seconds), as a `FlagError` when bad. */
function durationFlag(flag: string, text: string): number {
  try {
    return parseDurationFlag(flag, text);
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
}

function oneOf<T extends string>(
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!allowed.includes(text as T)) {
    throw new FlagError(`--${flag} must be one of ${allowed.join(', ')}, got "${text}"`);
  }
  return text as T;
}

function headersOf(values: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf(':');
    if (at <= 0) throw new FlagError(`--header must look like name:value, got "${value}"`);
    headers[value.slice(0, at).trim().toLowerCase()] = value.slice(at + 1).trim();
  }
  return headers;
}

/** Parses and checks the arguments of `loom bench`; throws `FlagError` naming the bad flag. */
export function parseBenchFlags(
  argv: readonly string[],
  options: { requireUrl?: boolean } = {},
): BenchFlags {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const help = values.help === true;
  if (!help && !values.url && options.requireUrl !== false)
    throw new FlagError(
      '--url is required (an OpenAI-compatible base URL, e.g. http://127.0.0.1:4000/v1)',
    );
  if (!help && !values.model) throw new FlagError('--model is required');
  if (values.url) {
    try {
      const url = new URL(values.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    } catch {
      throw new FlagError(`--url must be an http(s) URL, got "${values.url}"`);
    }
  }
  const threshold = values.threshold === undefined ? 10 : Number(values.threshold);
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new FlagError(`--threshold must be a percentage of 0 or more, got "${values.threshold}"`);
  }
  const warmup = values.warmup === undefined ? 20 : Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new FlagError(`--warmup must be a whole number of requests, got "${values.warmup}"`);
  }
  const durationMs =
    values.duration === undefined ? undefined : durationFlag('duration', values.duration);
  const requests =
    positiveInt('requests', values.requests) ?? (durationMs === undefined ? 200 : undefined);
  return {
    help,
    url: values.url ?? '',
    model: values.model ?? '',
    apiKey: values['api-key'],
    headers: headersOf(values.header),
    connections: positiveInt('connections', values.connections),
    scenario: oneOf('scenario', values.scenario, ['chat', 'stream', 'embeddings'] as const, 'chat'),
    prompts: values.prompts,
    promptSize: oneOf(
      'prompt-size',
      values['prompt-size'],
      Object.keys(PROMPT_SIZES) as PromptSize[],
      'short',
    ),
    maxTokens: positiveInt('max-tokens', values['max-tokens']),
    concurrency: positiveList('concurrency', values.concurrency, true),
    rates: positiveList('rate', values.rate, false),
    requests,
    durationMs,
    warmup,
    timeoutMs: values.timeout === undefined ? 30_000 : durationFlag('timeout', values.timeout),
    json: values.json,
    markdown: values.markdown,
    svg: values.svg,
    priors: values.priors,
    name: values.name,
    progress: oneOf('progress', values.progress, ['auto', 'bar', 'lines', 'none'] as const, 'auto'),
    baseline: values.baseline,
    thresholdPct: threshold,
  };
}
