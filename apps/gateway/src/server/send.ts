import type { ServerResponse } from 'node:http';
import { type OpenAIErrorResponse, toOpenAIError } from '../errors/to-openai-error.js';

/** Response headers as Node takes them. */
export type Headers = Record<string, string | number>;

/** Sends a JSON body with its length; nothing when the response already started. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Headers = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Sends any error in OpenAI's shape, with `Retry-After` when the wait is known; returns what it
 * answered (for the access line).
 */
export function sendError(
  response: ServerResponse,
  error: unknown,
  headers: Headers = {},
): OpenAIErrorResponse {
  const mapped = toOpenAIError(error);
  const all: Headers = { ...headers };
  if (mapped.retryAfterSeconds !== undefined) all['retry-after'] = mapped.retryAfterSeconds;
  sendJson(response, mapped.status, mapped.body, all);
  return mapped;
}
