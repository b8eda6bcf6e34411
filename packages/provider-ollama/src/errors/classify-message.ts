import type { ProviderErrorCode } from '@loom/core';

/** What an upstream error message says about the failure, when its status alone cannot. */
export interface MessageClass {
  code: ProviderErrorCode;
  isRetryable: boolean;
}

const CONTEXT_LENGTH =
  /context length|context window|maximum context|context_length_exceeded|exceeds? (?:the )?(?:model'?s? )?(?:maximum )?(?:context|input length)/i;
const MODEL_NOT_FOUND =
  /model ['"]?[^'"\s]*['"]? not found|model not found|pull the model|try pulling it/i;

/** True when the message says the prompt does not fit the model's context. */
export function isContextLengthMessage(message: string): boolean {
  return CONTEXT_LENGTH.test(message);
}

/** True when the message says the model is not on the server. */
export function isModelNotFoundMessage(message: string): boolean {
  return MODEL_NOT_FOUND.test(message);
}

/**
 * Classifies an error that came without a usable status (an in-band stream error) from its text,
 * following the status table: unknown failures are `provider_error` and retryable.
 */
export function classifyMessage(message: string): MessageClass {
  if (isContextLengthMessage(message))
    return { code: 'context_length_exceeded', isRetryable: false };
  if (/server busy|maximum pending requests|overloaded|unavailable/i.test(message)) {
    return { code: 'provider_unavailable', isRetryable: true };
  }
  if (/insufficient_quota|exceeded your current quota/i.test(message)) {
    return { code: 'insufficient_quota', isRetryable: true };
  }
  if (/rate limit|too many requests/i.test(message))
    return { code: 'rate_limited', isRetryable: true };
  if (isModelNotFoundMessage(message)) return { code: 'model_not_found', isRetryable: true };
  return { code: 'provider_error', isRetryable: true };
}
