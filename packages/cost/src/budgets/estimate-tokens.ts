import type { ChatRequest, EmbedRequest } from '@loom/core';

/** The messages (or embedding inputs) of a request: the unit of the per-item overhead. */
export function requestItems(request: Readonly<ChatRequest> | Readonly<EmbedRequest>): number {
  return 'input' in request ? request.input.length : request.messages.length;
}

/**
 * Characters of a request's text: messages (or embedding inputs, one '\n' between them), tool
 * calls, a '\n' after each message, and tool definitions as JSON. Summed as lengths rather than
 * by concatenating the text (which was built twice per request, only to be measured).
 */
export function requestCharacters(request: Readonly<ChatRequest> | Readonly<EmbedRequest>): number {
  if ('input' in request) {
    let characters = Math.max(request.input.length - 1, 0);
    for (const input of request.input) characters += input.length;
    return characters;
  }
  let characters = 0;
  for (const message of request.messages) {
    if (typeof message.content === 'string') characters += message.content.length;
    else if (Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === 'text') characters += part.text.length;
    }
    if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls) characters += call.name.length + call.arguments.length;
    }
    characters += 1;
  }
  if (request.tools) characters += JSON.stringify(request.tools).length;
  return characters;
}

/**
 * Input tokens for admission, on the high side: one token per 3 characters (tokenizers average
 * about 4 for English) plus 8 per message for role markup. Over-reserving is released at the end.
 * Takes `requestCharacters` and `requestItems`.
 */
export function conservativeInputTokens(characters: number, items: number): number {
  return Math.ceil(characters / 3) + 8 * items;
}

/** A typical estimate of tokens in this many characters (4 each), for usage nobody reported. */
export function typicalTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

/**
 * Input tokens of a request, typical estimate (records of streams without usage). Takes
 * `requestCharacters` and `requestItems`.
 */
export function typicalInputTokens(characters: number, items: number): number {
  return typicalTokens(characters) + 4 * items;
}
