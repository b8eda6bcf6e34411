import type { ChatRequest, Usage } from '@loom/core';

/** Counts the tokens of a text. */
export type TokenCounter = (text: string) => number;

let counter: Promise<TokenCounter> | undefined;

/**
 * A rough count that needs no tokenizer: about four characters per token, never zero for real
 * text. Cheap enough for the hot path of a stream whose upstream left its usage out.
 */
export const roughTokenCount: TokenCounter = (text) => Math.ceil(text.length / 4);

/**
 * A token counter using cl100k_base (the closest public match to Llama 3's and Qwen's BPE
 * vocabularies), loaded on first use: the encoding takes a few hundred ms to load and is
 * needed only when a server leaves the counts out.
 */
export function loadTokenCounter(): Promise<TokenCounter> {
  counter ??= import('gpt-tokenizer/encoding/cl100k_base').then(
    (encoding): TokenCounter =>
      (text) => {
        if (text === '') return 0;
        // Text that looks like a special token is counted as plain text, never refused.
        return encoding.countTokens(text, { disallowedSpecial: new Set() });
      },
    () => roughTokenCount,
  );
  return counter;
}

// Chat templates wrap each message in role markers: a few tokens the texts alone do not show.
const TOKENS_PER_MESSAGE = 4;
const TOKENS_FOR_REPLY = 3;

/** The prompt texts of a request: every message's text, tool call and tool definition. */
export function promptTexts(request: ChatRequest): string[] {
  const texts: string[] = [];
  for (const message of request.messages) {
    if (typeof message.content === 'string') texts.push(message.content);
    else if (Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === 'text') texts.push(part.text);
    }
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) texts.push(call.name, call.arguments);
    }
  }
  if (request.tools?.length) texts.push(JSON.stringify(request.tools));
  return texts;
}

/** Estimated prompt tokens of a chat request; `count` defaults to `roughTokenCount`. */
export function estimateInputTokens(
  request: ChatRequest,
  count: TokenCounter = roughTokenCount,
): number {
  const texts = promptTexts(request).reduce((sum, text) => sum + count(text), 0);
  return texts + request.messages.length * TOKENS_PER_MESSAGE + TOKENS_FOR_REPLY;
}

/** Usage from two counts, `totalTokens` their sum. */
export function usageOf(inputTokens: number, outputTokens: number, estimated = false): Usage {
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated };
}

/** A usage estimate for an answer the upstream gave no counts for, flagged `estimated`. */
export function estimatedUsage(
  inputTokens: number,
  outputText: string | number,
  count: TokenCounter = roughTokenCount,
): Usage {
  const outputTokens =
    typeof outputText === 'number' ? Math.ceil(outputText / 4) : count(outputText);
  return usageOf(inputTokens, outputTokens, true);
}
