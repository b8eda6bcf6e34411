import type { ChatRequest, Usage } from '@loom/core';
import { isRecord } from './guards.js';

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

// About four characters per token in English text: the usual rule of thumb when no tokenizer is
// at hand. Good enough to keep a call that used tokens from being recorded as free.
const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;

/** Rough token count of a text. */
export function estimateTokens(characters: number): number {
  return Math.ceil(characters / CHARS_PER_TOKEN);
}

/** Rough prompt size of a request, for upstreams that report no usage. */
export function estimateInputTokens(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    if (typeof message.content === 'string') characters += message.content.length;
    else if (Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === 'text') characters += part.text.length;
    }
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) characters += call.arguments.length;
    }
  }
  return estimateTokens(characters) + TOKENS_PER_MESSAGE * request.messages.length;
}

/** A usage estimate, flagged `estimated`. */
export function estimatedUsage(inputTokens: number, outputCharacters: number): Usage {
  const outputTokens = estimateTokens(outputCharacters);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}
