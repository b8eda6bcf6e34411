import type { ChatRequest, EmbedRequest } from '@loom/core';

/** Text of a request's messages (or embedding inputs), tool definitions included. */
export function requestText(request: Readonly<ChatRequest> | Readonly<EmbedRequest>): {
  text: string;
  items: number;
} {
  if ('input' in request) return { text: request.input.join('\n'), items: request.input.length };
  let text = '';
  for (const message of request.messages) {
    if (typeof message.content === 'string') text += message.content;
    else if (Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === 'text') text += part.text;
    }
    if (message.role === 'assistant')
      for (const call of message.toolCalls ?? []) text += call.name + call.arguments;
    text += '\n';
  }
  if (request.tools) text += JSON.stringify(request.tools);
  return { text, items: request.messages.length };
}

/**
 * Input tokens for admission, on the high side: one token per 3 characters (tokenizers average
 * about 4 for English) plus 8 per message for role markup. Over-reserving is released at the end.
 */
export function conservativeInputTokens(
  request: Readonly<ChatRequest> | Readonly<EmbedRequest>,
): number {
  const { text, items } = requestText(request);
  return Math.ceil(text.length / 3) + 8 * items;
}

/** A typical estimate of tokens in this many characters (4 each), for usage nobody reported. */
export function typicalTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

/** Input tokens of a request, typical estimate (records of streams without usage). */
export function typicalInputTokens(
  request: Readonly<ChatRequest> | Readonly<EmbedRequest>,
): number {
  const { text, items } = requestText(request);
  return typicalTokens(text.length) + 4 * items;
}
