import { countWords, splitWords } from '../../internal/words.js';

/**
 * The simulators' token count of a text: whitespace-separated words times 4/3, rounded to the
 * nearest integer (`Math.round(words * 4 / 3)`). Real tokenizers differ; the simulators only
 * promise that every wire counts the same way, so providers can assert exact usage.
 */
export function countSimulatedTokens(text: string): number {
  return Math.round((countWords(text) * 4) / 3);
}

/** Prompt tokens of a conversation: the count of every message's text, joined by spaces. */
export function countPromptTokens(texts: readonly string[]): number {
  return countSimulatedTokens(texts.join(' '));
}

/** The longest word prefix of `text` within `maxTokens`, and whether it had to be cut. */
export function truncateToTokens(text: string, maxTokens: number | undefined) {
  if (maxTokens === undefined || countSimulatedTokens(text) <= maxTokens) {
    return { text, truncated: false };
  }
  let kept = '';
  for (const word of splitWords(text)) {
    if (countSimulatedTokens(kept + word) > maxTokens) break;
    kept += word;
  }
  return { text: kept, truncated: true };
}
