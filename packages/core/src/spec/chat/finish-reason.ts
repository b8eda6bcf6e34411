/**
 * Why generation ended: natural `stop` (or a stop sequence), `length` (token limit),
 * `tool_calls`, `content_filter`, `error`, or `other` for anything a provider cannot map.
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';
