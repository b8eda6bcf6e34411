import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

/*
 * Money in these scenarios: input is free and each output token costs exactly 1000 micro-dollars
 * (outputPerMillionUsd 1000). The simulator counts round(words * 4 / 3) tokens and cuts an echo to
 * the longest word prefix within max_tokens, so a prompt of at least 6 words with max_tokens 8 is
 * answered with exactly 8 tokens: the worst case a budget reserves equals what the request costs.
 */
export const MAX_TOKENS = 8;
export const MICROS_PER_OUTPUT_TOKEN = 1000;
export const MICROS_PER_REQUEST = MAX_TOKENS * MICROS_PER_OUTPUT_TOKEN;

/** A prompt of eight words, so the echoed answer is cut to exactly `MAX_TOKENS` tokens. */
export function prompt(index: number): string {
  return `please answer budget request number ${index} right now`;
}

/** One simulated OpenAI upstream the gateways call, priced as above. */
export interface UpstreamEntry {
  id: string;
  baseURL: string;
}

/** Options of `scaleOutConfig`. */
export interface ScaleOutConfigOptions {
  upstreams: readonly UpstreamEntry[];
  ledger: string;
  redis: string;
  redisUnavailable?: 'closed' | 'open';
  budgets?: ReadonlyArray<Record<string, unknown>>;
  /** Default `request` (the gateway's default with PostgreSQL). */
  ledgerWrites?: 'request' | 'batched';
}

/**
 * A gateway config: model `<id>` routes to `<id>/gpt-4o-mini` for each upstream, the ledger in
 * PostgreSQL, counters in Redis, access logs off (hundreds of requests would flood the pipes),
 * no active health checks (nothing but the scenario's traffic reaches the upstreams).
 */
export function scaleOutConfig(options: ScaleOutConfigOptions): Record<string, unknown> {
  return {
    providers: options.upstreams.map((upstream) => ({
      id: upstream.id,
      type: 'openai',
      baseURL: upstream.baseURL,
    })),
    models: options.upstreams.map((upstream) => ({
      name: upstream.id,
      targets: [`${upstream.id}/gpt-4o-mini`],
    })),
    routing: { retries: 0 },
    health: { intervalMs: 0 },
    logging: { level: 'warn' },
    monitor: { systemIntervalMs: 60_000 },
    pricing: {
      providers: Object.fromEntries(
        options.upstreams.map((upstream) => [
          upstream.id,
          {
            models: {
              'gpt-4o-mini': {
                inputPerMillionUsd: 0,
                outputPerMillionUsd: MICROS_PER_OUTPUT_TOKEN,
                cachedInputPerMillionUsd: 0,
              },
            },
          },
        ]),
      ),
    },
    budgets: options.budgets ?? [],
    storage: {
      ledger: options.ledger,
      redis: options.redis,
      redisUnavailable: options.redisUnavailable ?? 'closed',
      ...(options.ledgerWrites ? { ledgerWrites: options.ledgerWrites } : {}),
    },
  };
}

/** Writes `config` as YAML to `<dir>/<name>` and returns the path. */
export async function writeConfig(
  dir: string,
  name: string,
  config: Record<string, unknown>,
): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, stringify(config));
  return file;
}
