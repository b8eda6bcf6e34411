import type { ChatRequest, Usage } from '@loom/core';
import {
  estimateInputTokens,
  loadTokenCounter,
  roughTokenCount,
  type TokenCounter,
  usageOf,
} from '@loom/provider-utils';

/** Counts an answer reported, if any. */
export interface ReportedCounts {
  promptEvalCount?: number;
  evalCount?: number;
}

function complete(counts: ReportedCounts): boolean {
  return counts.promptEvalCount !== undefined && counts.evalCount !== undefined;
}

/**
 * Usage of a chat: Ollama's `prompt_eval_count` / `eval_count` where present, else estimated
 * with `count` from the prompt messages and the generated text (then `estimated` is true).
 * Ollama leaves `prompt_eval_count` out when the whole prompt came from its cache, for example.
 */
export function chatUsage(
  request: ChatRequest,
  generated: string,
  counts: ReportedCounts,
  count: TokenCounter,
): Usage {
  const { promptEvalCount: input, evalCount: output } = counts;
  if (input !== undefined && output !== undefined) return usageOf(input, output);
  return usageOf(input ?? estimateInputTokens(request, count), output ?? count(generated), true);
}

/** `chatUsage` with the tokenizer, loaded only when a count is missing. */
export async function loadChatUsage(
  request: ChatRequest,
  generated: string,
  counts: ReportedCounts,
): Promise<Usage> {
  const count = complete(counts) ? roughTokenCount : await loadTokenCounter();
  return chatUsage(request, generated, counts, count);
}

/** Usage of an embedding call: `prompt_eval_count`, else the inputs' estimated tokens. */
export async function embedUsage(
  input: readonly string[],
  promptEvalCount?: number,
): Promise<Usage> {
  if (promptEvalCount !== undefined) return usageOf(promptEvalCount, 0);
  const count = await loadTokenCounter();
  return usageOf(
    input.reduce((sum, text) => sum + count(text), 0),
    0,
    true,
  );
}
