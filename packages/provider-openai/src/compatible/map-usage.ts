import type { Usage } from '@loom/core';
import { isRecord } from '@loom/provider-utils';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.round(value)
    : undefined;
}

/**
 * The upstream's `usage`, or undefined when it reported none. `totalTokens` is recomputed as
 * input + output, since some compatible servers report a total that does not add up.
 */
export function mapUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const inputTokens = count(usage.prompt_tokens);
  if (inputTokens === undefined) return undefined;
  const outputTokens = count(usage.completion_tokens) ?? 0;
  const result: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    estimated: false,
  };
  const promptDetails = usage.prompt_tokens_details;
  const cached = isRecord(promptDetails) ? count(promptDetails.cached_tokens) : undefined;
  if (cached !== undefined) result.cachedInputTokens = Math.min(cached, inputTokens);
  const completionDetails = usage.completion_tokens_details;
  const reasoning = isRecord(completionDetails)
    ? count(completionDetails.reasoning_tokens)
    : undefined;
  if (reasoning !== undefined) result.reasoningTokens = Math.min(reasoning, outputTokens);
  return result;
}
