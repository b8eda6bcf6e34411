import { type ChatMessage, type ChatRequest, InvalidRequestError, type Usage } from '@loom/core';
import { z } from 'zod';

const requestOptionsSchema = z.object({ delayMs: z.number().int().nonnegative().optional() });

function textOf(message: ChatMessage): string {
  const content = message.content;
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .filter(Boolean)
    .join(' ');
}

/** Words, the echo provider's tokens. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** What one echo call will do: the text to answer and how long to wait first. */
export interface EchoPlan {
  answer: string;
  delayMs: number;
  usage: Usage;
}

/**
 * Reads a request: the last user message (which must have text: an empty echo is a caller
 * mistake, reported as `invalid_request` so the router does not retry it elsewhere) and the
 * optional `providerOptions.echo.delayMs`.
 */
export function planEcho(
  request: ChatRequest,
  settings: { id: string; prefix: string; delayMs: number },
): EchoPlan {
  const index = request.messages.findLastIndex((message) => message.role === 'user');
  const said = index < 0 ? '' : textOf(request.messages[index]!).trim();
  if (said === '') {
    throw new InvalidRequestError({
      provider: settings.id,
      issues: [
        {
          path: index < 0 ? 'messages' : `messages.${index}.content`,
          message: 'the last user message has no text; the echo provider needs something to repeat',
        },
      ],
    });
  }
  const options = requestOptionsSchema.safeParse(request.providerOptions?.echo ?? {});
  if (!options.success) {
    throw new InvalidRequestError({
      provider: settings.id,
      issues: [
        {
          path: 'providerOptions.echo.delayMs',
          message: 'must be a whole number of ms, 0 or more',
        },
      ],
    });
  }
  const answer = `${settings.prefix}${said}`;
  const inputTokens = countWords(request.messages.map(textOf).join(' '));
  const outputTokens = countWords(answer);
  return {
    answer,
    delayMs: options.data.delayMs ?? settings.delayMs,
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: false },
  };
}
