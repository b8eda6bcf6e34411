import type { ChatRequest } from '@loom/core';

/** Counts the tokens of a text. */
export type TokenCounter = (text: string) => number;

let counter: Promise<TokenCounter> | undefined;

// Rough but never zero for real text: about four characters per token.
const fallbackCounter: TokenCounter = (text) => Math.ceil(text.length / 4);

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
    () => fallbackCounter,
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

/** Estimated prompt tokens of a chat request. */
export function estimatePromptTokens(request: ChatRequest, count: TokenCounter): number {
  const texts = promptTexts(request).reduce((sum, text) => sum + count(text), 0);
  return texts + request.messages.length * TOKENS_PER_MESSAGE + TOKENS_FOR_REPLY;
}
