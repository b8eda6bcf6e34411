/**
 * Token usage of one call. Counts are whole tokens. When the upstream did not report usage, the
 * provider estimates it with a tokenizer and sets `estimated`, so cost tracking never records $0
 * for a call that used tokens.
 */
export interface Usage {
  /** Prompt tokens, including cached ones. */
  inputTokens: number;
  /** Generated tokens, including reasoning tokens. */
  outputTokens: number;
  /** `inputTokens + outputTokens`. */
  totalTokens: number;
  /** Part of `inputTokens` served from the upstream's prompt cache (usually billed lower). */
  cachedInputTokens?: number;
  /** Part of `outputTokens` spent on hidden reasoning. */
  reasoningTokens?: number;
  /** True when any count was estimated by Loom rather than reported by the upstream. */
  estimated: boolean;
}
