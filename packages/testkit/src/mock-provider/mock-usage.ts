import type { ChatRequest, ToolCall, Usage } from '@loom/core';
import { countWords, requestText } from '../internal/words.js';

/**
 * Usage by word count, with overrides applied. `totalTokens` follows the (overridden) input and
 * output unless the override sets it, so a test can also script an inconsistent total.
 */
export function mockUsage(
  inputTokens: number,
  outputTokens: number,
  override: Partial<Usage> = {},
): Usage {
  const usage = { inputTokens, outputTokens, estimated: false, ...override };
  return { ...usage, totalTokens: override.totalTokens ?? usage.inputTokens + usage.outputTokens };
}

/** Input tokens of a chat request: words in all of its messages. */
export function inputTokensOf(request: ChatRequest): number {
  return countWords(requestText(request));
}

/** Output tokens of an answer: words of its text and of its tool-call arguments. */
export function outputTokensOf(text: string, toolCalls: readonly ToolCall[] = []): number {
  return countWords(text) + toolCalls.reduce((sum, call) => sum + countWords(call.arguments), 0);
}
