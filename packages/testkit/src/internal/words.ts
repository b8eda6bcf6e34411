import type { ChatMessage, ChatRequest } from '@loom/core';

/** Whitespace-separated words in `text`: the mock's notion of a token. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * Splits text into word chunks that concatenate back to the original, each word keeping the
 * whitespace around it, so streamed deltas reassemble exactly.
 */
export function splitWords(text: string): string[] {
  if (text === '') return [];
  return text.match(/\s*\S+\s*/g) ?? [text];
}

/** The text of one message, image parts ignored. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .filter(Boolean)
    .join(' ');
}

/** Text of every message, for input token counts. */
export function requestText(request: ChatRequest): string {
  return request.messages.map(messageText).join(' ');
}

/** Text of the last user message, or `undefined` when there is none. */
export function lastUserText(request: ChatRequest): string | undefined {
  const last = request.messages.findLast((message) => message.role === 'user');
  return last ? messageText(last) : undefined;
}
