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
  /** Most `metadata` tags in one request; default 64 (each becomes part of its ledger row). */
  maxTags?: number;
  /** Most UTF-8 bytes of all `metadata` keys and values together; default 4096. */
  maxTagBytes?: number;
}

/** `maxTags` when the operator sets none. */
export const DEFAULT_MAX_TAGS = 64;
/** `maxTagBytes` when the operator sets none. */
export const DEFAULT_MAX_TAG_BYTES = 4096;

function tooLarge(param: string, message: string, code: string): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', param, code, message });
}

/** Refuses more tags, or more bytes of them, than the limits allow: rows stay small. */
function checkTags(tags: Readonly<Record<string, string>> | undefined, limits: RequestLimits) {
  if (!tags) return;
  const maxTags = limits.maxTags ?? DEFAULT_MAX_TAGS;
  const keys = Object.keys(tags);
  if (keys.length > maxTags) {
    throw tooLarge(
      'metadata',
      `'metadata' has ${keys.length} tags; this gateway accepts at most ${maxTags}.`,
      'too_many_tags',
    );
  }
  const maxBytes = limits.maxTagBytes ?? DEFAULT_MAX_TAG_BYTES;
  let bytes = 0;
  for (const key of keys) bytes += Buffer.byteLength(key) + Buffer.byteLength(tags[key] ?? '');
  if (bytes > maxBytes) {
    throw tooLarge(
      'metadata',
      `'metadata' keys and values take ${bytes} bytes; this gateway accepts at most ${maxBytes}.`,
      'tags_too_large',
    );
  }
}

/**
 * Refuses a chat request over the message, metadata tag or max-tokens limits with a 400 naming
 * the field, and gives a request that sets no output cap the operator's `maxTokens`, so no answer
 * (and no budget reservation) is unbounded. `body` is the validated wire body, to name the field the caller used.
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
  checkTags(parsed.request.metadata?.tags, limits);
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
