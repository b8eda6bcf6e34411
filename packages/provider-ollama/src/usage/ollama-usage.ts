import type { ChatRequest, Usage } from '@loom/core';
import { estimatePromptTokens, loadTokenCounter } from './estimate-tokens.js';

/** Counts an answer reported, if any. */
export interface ReportedCounts {
  promptEvalCount?: number;
  evalCount?: number;
}

/** Usage from Ollama's counts, when both are there: no tokenizer needed. */
export function reportedUsage(counts: ReportedCounts): Usage | undefined {
  const { promptEvalCount: input, evalCount: output } = counts;
  if (input === undefined || output === undefined) return undefined;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    estimated: false,
  };
}

/**
 * Usage of a chat: Ollama's `prompt_eval_count` / `eval_count` where present, else estimated by
 * tokenizer from the prompt messages and the generated text (then `estimated` is true). Ollama
 * leaves `prompt_eval_count` out when the whole prompt came from its cache, for example.
 */
export async function chatUsage(
  request: ChatRequest,
  generated: string,
  counts: ReportedCounts,
): Promise<Usage> {
  const reported = reportedUsage(counts);
  if (reported) return reported;
  const count = await loadTokenCounter();
  const inputTokens = counts.promptEvalCount ?? estimatePromptTokens(request, count);
  const outputTokens = counts.evalCount ?? count(generated);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}

/** Usage of an embedding call: `prompt_eval_count`, else the inputs' estimated tokens. */
export async function embedUsage(
  input: readonly string[],
  promptEvalCount?: number,
): Promise<Usage> {
  if (promptEvalCount !== undefined) {
    return {
      inputTokens: promptEvalCount,
      outputTokens: 0,
      totalTokens: promptEvalCount,
      estimated: false,
    };
  }
  const count = await loadTokenCounter();
  const inputTokens = input.reduce((sum, text) => sum + count(text), 0);
  return { inputTokens, outputTokens: 0, totalTokens: inputTokens, estimated: true };
}
