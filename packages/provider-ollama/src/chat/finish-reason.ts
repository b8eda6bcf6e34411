import type { FinishReason } from '@loom/core';

/**
 * Ollama's `done_reason` as Loom's finish reason. Ollama says `stop` after tool calls too, so
 * calls made in the turn turn it into `tool_calls`; `load` and `unload` (empty requests) are `other`.
 */
export function toFinishReason(doneReason: unknown, madeToolCalls: boolean): FinishReason {
  if (doneReason === 'length') return 'length';
  if (madeToolCalls) return 'tool_calls';
  if (doneReason === undefined || doneReason === null || doneReason === 'stop') return 'stop';
  return 'other';
}
