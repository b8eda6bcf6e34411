import { Buffer } from 'node:buffer';
import type { ChatRequest, EmbedRequest } from '@loom/core';
import type { TokenCounter } from './tokenizers.js';

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

// Chat templates wrap each message in role markers and prime the reply (OpenAI: 4 tokens a
// message and 3 a reply; Llama 3, ChatML, Gemma: 4 to 5 a message), and render tool definitions
// into a block of their own: tokens that no text of the request shows, allowed for generously.
const MARKUP_PER_ITEM = 8;
const MARKUP_PER_REQUEST = 8;
const MARKUP_PER_TOOL = 8;

/** UTF-8 bytes of a text: no byte-level BPE token covers less than one byte. */
export const utf8Bytes: TokenCounter = (text) => Buffer.byteLength(text, 'utf8');

/**
 * Input tokens no byte-level tokenizer can exceed (GPT, Llama 3, Qwen, Mistral's Tekken; a
 * SentencePiece token with byte fallback covers at least one byte too): the UTF-8 bytes of every
 * text the model reads plus the markup allowance. Images are not counted.
 */
export function inputTokenBound(request: Readonly<ChatRequest> | Readonly<EmbedRequest>): number {
  return measureTexts(request, utf8Bytes) + markupTokens(request);
}

/** Input tokens by the model family's tokenizer `count`, plus the same markup allowance. */
export function countInputTokens(
  request: Readonly<ChatRequest> | Readonly<EmbedRequest>,
  count: TokenCounter,
): number {
  return measureTexts(request, count) + markupTokens(request);
}

function markupTokens(request: Readonly<ChatRequest> | Readonly<EmbedRequest>): number {
  const tools = 'input' in request ? 0 : (request.tools?.length ?? 0);
  return MARKUP_PER_ITEM * requestItems(request) + MARKUP_PER_REQUEST + MARKUP_PER_TOOL * tools;
}

/**
 * `measure` summed over every text the model reads: contents, names, tool calls and results
 * with their ids, tool definitions and a response schema as JSON (providers put the schema into
 * the prompt).
 */
function measureTexts(
  request: Readonly<ChatRequest> | Readonly<EmbedRequest>,
  measure: TokenCounter,
): number {
  let sum = 0;
  if ('input' in request) {
    for (const input of request.input) sum += measure(input);
    return sum;
  }
  for (const message of request.messages) {
    if (typeof message.content === 'string') sum += measure(message.content);
    else if (Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === 'text') sum += measure(part.text);
    }
    if (message.role === 'user' && message.name) sum += measure(message.name);
    else if (message.role === 'tool') sum += measure(message.toolCallId);
    else if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls)
        sum += measure(call.id) + measure(call.name) + measure(call.arguments);
    }
  }
  if (request.tools?.length) sum += measure(JSON.stringify(request.tools));
  const format = request.responseFormat;
  if (format?.type === 'json_schema') {
    sum += measure(format.name) + measure(JSON.stringify(format.schema));
    if (format.description) sum += measure(format.description);
  }
  return sum;
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
