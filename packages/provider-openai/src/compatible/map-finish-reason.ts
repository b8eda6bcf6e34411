import type { FinishReason } from '@loom/core';

/**
 * OpenAI's `finish_reason` as Loom's. `function_call` is the pre-tools name of `tool_calls`;
 * anything unknown (vLLM's `abort`, a missing reason) is `other`.
 */
export function mapFinishReason(reason: unknown): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
    case 'error':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}
