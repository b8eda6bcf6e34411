import type { Usage } from '@loom/core';
import type { Micros } from '../money/micros.js';
import type { ModelPrice } from './model-price.js';

/** Token counts to price. Cached, cache-write and reasoning tokens are parts of the totals. */
export type CostUsage = Pick<
  Usage,
  'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'reasoningTokens'
> & {
  /** Part of `inputTokens` written to the prompt cache (Anthropic-style cache writes). */
  cacheWriteTokens?: number;
};

/** The prices that apply to a request of this prompt size (long-context tiers). */
export function effectivePrice(price: ModelPrice, inputTokens: number): ModelPrice {
  let chosen = price;
  for (const tier of price.tiers ?? []) {
    if (inputTokens <= tier.aboveInputTokens) break;
    chosen = {
      ...price,
      input: tier.input,
      output: tier.output,
      cachedInput: tier.cachedInput ?? price.cachedInput,
    };
  }
  return chosen;
}

function whole(count: number | undefined): number {
  return Math.max(0, Math.floor(count ?? 0));
}

/**
 * Cost of one call in integer micro-dollars. The whole request is priced in the tier its prompt
 * size falls in (how long-context pricing is billed). Cached and cache-write tokens are taken out
 * of the input at their own prices, reasoning tokens out of the output. The sum is computed in
 * micro-dollar-tokens and rounded up once, so a call that used priced tokens never costs 0.
 */
export function costOf(usage: CostUsage, price: ModelPrice): Micros {
  const input = whole(usage.inputTokens);
  const output = whole(usage.outputTokens);
  const cached = Math.min(whole(usage.cachedInputTokens), input);
  const cacheWrite = Math.min(whole(usage.cacheWriteTokens), input - cached);
  const reasoning = Math.min(whole(usage.reasoningTokens), output);
  const applied = effectivePrice(price, input);
  const numerator =
    (input - cached - cacheWrite) * applied.input +
    cached * (applied.cachedInput ?? applied.input) +
    cacheWrite * (applied.cacheWrite ?? applied.input) +
    (output - reasoning) * applied.output +
    reasoning * (applied.reasoning ?? applied.output);
  if (!Number.isSafeInteger(numerator))
    throw new RangeError('Cost exceeds the exact integer range');
  return Math.ceil(numerator / 1_000_000);
}
