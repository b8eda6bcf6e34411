import { GatewayError } from '../errors/gateway-error.js';
import type { ParsedChatRequest } from '../wire/parse-chat-request.js';

/** Operator limits on one chat request (`server.limits`). */
export interface RequestLimits {
  /** Most messages in one request. */
  maxMessages?: number;
  /** Highest `max_tokens` / `max_completion_tokens`; also the cap of a request that sets none. */
  maxTokens?: number;
  /** Longest a stream may run, ms; then it ends with an in-band error and the upstream is aborted. */
  maxStreamDurationMs?: number;
}

function tooLarge(param: string, message: string, code: string): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', param, code, message });
}

/**
 * Refuses a chat request over the message or max-tokens limits with a 400 naming the field, and
 * gives a request that sets no output cap the operator's `maxTokens`, so no answer (and no budget
 * reservation) is unbounded. `body` is the validated wire body, to name the field the caller used.
 */
export function applyChatLimits(
  parsed: ParsedChatRequest,
  body: unknown,
  limits: RequestLimits,
): ParsedChatRequest {
  const count = parsed.request.messages.length;
  if (limits.maxMessages !== undefined && count > limits.maxMessages) {
    throw tooLarge(
      'messages',
      `'messages' has ${count} entries; this gateway accepts at most ${limits.maxMessages}.`,
      'too_many_messages',
    );
  }
  const max = limits.maxTokens;
  if (max === undefined) return parsed;
  const wire = body as { max_tokens?: number | null; max_completion_tokens?: number | null };
  for (const field of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = wire[field];
    if (typeof value === 'number' && value > max) {
      throw tooLarge(
        field,
        `'${field}' is ${value}; this gateway allows at most ${max}.`,
        'max_tokens_too_large',
      );
    }
  }
  if (parsed.request.maxTokens !== undefined) return parsed;
  return { ...parsed, request: { ...parsed.request, maxTokens: max } };
}
