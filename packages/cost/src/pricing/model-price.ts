import type { Micros } from '../money/micros.js';

/** A long-context tier: from `aboveInputTokens` prompt tokens on, the whole request uses these. */
export interface PriceTier {
  /** The tier applies when the prompt has more than this many input tokens. */
  aboveInputTokens: number;
  /** Input price, micro-dollars per million tokens. */
  input: Micros;
  /** Output price, micro-dollars per million tokens. */
  output: Micros;
  /** Cached-input price in this tier, micro-dollars per million tokens. */
  cachedInput?: Micros;
}

/**
 * Prices of one model, each in integer micro-dollars per million tokens ($0.15 / M = 150 000).
 * Absent optional prices fall back: cached input and cache write to `input`, reasoning to `output`.
 */
export interface ModelPrice {
  /** Uncached prompt tokens. */
  input: Micros;
  /** Generated tokens. */
  output: Micros;
  /** Prompt tokens served from the prompt cache. */
  cachedInput?: Micros;
  /** Prompt tokens written to the prompt cache. */
  cacheWrite?: Micros;
  /** Hidden reasoning tokens, when billed differently from output. */
  reasoning?: Micros;
  /** Long-context tiers, ascending by `aboveInputTokens`. */
  tiers?: readonly PriceTier[];
}

/** Where a resolved price came from. */
export type PriceSource = 'catalog' | 'config' | 'local';

/** The outcome of looking a model up: a price, a local runtime, or nothing known. */
export type PriceResolution =
  | { status: 'priced'; price: ModelPrice; source: PriceSource; catalogModel?: string }
  | { status: 'local'; costPerHourMicros?: Micros }
  | { status: 'unpriced'; reason: string };

/** A price of zero for everything, used for free local runtimes. */
export const FREE_PRICE: ModelPrice = { input: 0, output: 0 };
