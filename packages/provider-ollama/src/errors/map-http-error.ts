import { type LoomError, ModelNotFoundError, ProviderCallError } from '@loom/core';
import { parseRetryAfter, type ResponseHeaders } from '../http/retry-after.js';
import { isContextLengthMessage, isModelNotFoundMessage } from './classify-message.js';
import type { Redact } from './redactor.js';

/** An upstream answer with an error status, as read off the wire. */
export interface HttpErrorInput {
  provider: string;
  status: number;
  headers: ResponseHeaders;
  /** The body as text (possibly cut short). */
  body: string;
  /** Model the request was for, when it named one. */
  model?: string;
  /** Request URL, without credentials. */
  url: string;
  redact: Redact;
}

const MAX_MESSAGE = 500;

/** The upstream's own words: Ollama's `{"error":"..."}`, an OpenAI-style object, or the text. */
export function upstreamMessage(body: string): string {
  let message = body.trim();
  try {
    const parsed: unknown = JSON.parse(body);
    const error = (parsed as { error?: unknown } | null)?.error;
    if (typeof error === 'string') message = error;
    else if (typeof (error as { message?: unknown } | null)?.message === 'string') {
      message = (error as { message: string }).message;
    }
  } catch {
    // Not JSON (a proxy's HTML page, plain text): the text itself is the best we have.
  }
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message;
}

function codeFor(status: number, message: string, body: string): string {
  if (status === 401) return 'authentication_failed';
  if (status === 403) return 'permission_denied';
  if (status === 429)
    return /insufficient_quota/.test(body) ? 'insufficient_quota' : 'rate_limited';
  if (status === 503) return 'provider_unavailable';
  if (status >= 500 || status === 408 || status === 409) return 'provider_error';
  if (isContextLengthMessage(message)) return 'context_length_exceeded';
  return 'bad_request';
}

/** Maps an error status and body to the `LoomError` the status table names. */
export function mapHttpError(input: HttpErrorInput): LoomError {
  const { provider, status, redact } = input;
  const message = redact(upstreamMessage(input.body) || `HTTP ${status}`);
  // Ollama answers an unknown model with 404 `model 'x' not found`; Go's router answers a wrong
  // path with a plain `404 page not found`, which is a base URL problem, not a model one.
  const wrongPath = /page not found/i.test(message) && !isModelNotFoundMessage(message);
  if (status === 404 && input.model !== undefined && !wrongPath) {
    return new ModelNotFoundError({ model: input.model, provider });
  }
  const code = codeFor(status, message, input.body);
  // 401/403/404: this deployment is wrong, another may work; every 4xx else is the caller's to fix.
  const isRetryable =
    status === 401 ||
    status === 403 ||
    status === 404 ||
    status === 408 ||
    status === 409 ||
    status === 429 ||
    status >= 500;
  const retryAfterMs = code === 'insufficient_quota' ? undefined : parseRetryAfter(input.headers);
  const hint = status === 404 ? ` (is ${redact(input.url)} an Ollama server? check baseURL)` : '';
  return new ProviderCallError({
    provider,
    message: `${message}${hint}`,
    code,
    upstreamStatus: status,
    isRetryable,
    url: redact(input.url),
    ...(isRetryable && retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
