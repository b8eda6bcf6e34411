import { ProviderCallError } from '@loom/core';
import { safeText } from '@loom/provider-utils';
import { classifyMessage } from '../errors/classify-message.js';

/** The text of an `{"error": ...}` value: Ollama sends a string; proxies may send an object. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return JSON.stringify(error) ?? 'unknown error';
}

/**
 * An error the server sent in a 200 answer (a stream's `{"error":"..."}` line): a
 * `ProviderCallError` whose code and retryability come from its text (Ollama sends no code),
 * retryable by default.
 */
export function inBandError(
  provider: string,
  error: unknown,
  secrets: readonly string[],
): ProviderCallError {
  const message = safeText(errorText(error), secrets);
  const { code, isRetryable } = classifyMessage(message);
  return new ProviderCallError({ provider, message, code, isRetryable });
}
