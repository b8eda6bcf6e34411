import type { FinishReason } from '@loom/core';

/** OpenAI's finish reasons. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Loom's finish reason in OpenAI's words; `error` and `other` have no OpenAI name, so `stop`. */
export function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  return reason === 'error' || reason === 'other' ? 'stop' : reason;
}
