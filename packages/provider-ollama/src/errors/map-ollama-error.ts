import { type LoomError, ModelNotFoundError, ProviderCallError } from '@loom/core';
import { safeText, type UpstreamFailure } from '@loom/provider-utils';
import { isContextLengthMessage, isModelNotFoundMessage } from './classify-message.js';

/** The upstream's own words (the client already removed credentials), or the status. */
function upstreamText(failure: UpstreamFailure): string {
  const text = (failure.error?.message ?? failure.text).trim();
  return text === '' ? `HTTP ${failure.status}` : safeText(text, []);
}

/**
 * Ollama's refinements of the shared status table (`mapHttpError`), passed to the client as
 * `mapError`. Ollama answers an unknown model with 404 `model 'x' not found`, but Go's router
 * answers a wrong path with a plain `404 page not found`: that is a base URL problem, not a
 * model one, so it says so. And its 400 wordings for a prompt longer than the context get
 * `context_length_exceeded`.
 */
export function createOllamaErrorMapper(provider: string, baseURL: string) {
  return (error: LoomError, failure: UpstreamFailure): unknown => {
    const text = upstreamText(failure);
    const call = ProviderCallError.isInstance(error) ? error : undefined;
    // What the rebuilt error keeps of the one the shared table made.
    const kept = {
      provider,
      upstreamStatus: failure.status,
      upstreamCode: call?.upstreamCode,
      url: call?.url,
    };
    if (failure.status === 404) {
      const wrongPath = /page not found/i.test(text) && !isModelNotFoundMessage(text);
      if (ModelNotFoundError.isInstance(error) && !wrongPath) return error;
      // Retryable: this deployment is the wrong one, another may serve the call.
      const message = `${text} (is ${baseURL} an Ollama server? check baseURL)`;
      return new ProviderCallError({ ...kept, message, code: 'bad_request', isRetryable: true });
    }
    if (call?.code === 'bad_request' && isContextLengthMessage(text)) {
      const code = 'context_length_exceeded';
      return new ProviderCallError({ ...kept, message: text, code, isRetryable: false });
    }
    return error;
  };
}
