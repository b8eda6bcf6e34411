import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.no_healthy_provider');

/**
 * No deployment may serve the request right now (all unhealthy, or removed by admission hooks).
 * Answered at once with a Retry-After, never by waiting.
 */
export class NoHealthyProviderError extends LoomError {
  readonly [marker] = true;

  constructor(options: { model: string; reasons?: readonly string[]; retryAfterMs?: number }) {
    const why = options.reasons?.length ? ` Removed by: ${options.reasons.join('; ')}.` : '';
    super({
      code: 'no_healthy_provider',
      statusCode: 503,
      isRetryable: true,
      retryAfterMs: options.retryAfterMs ?? 1_000,
      message: `No deployment of model '${options.model}' can serve the request now.${why} Retry later or add a fallback deployment.`,
    });
    this.name = 'NoHealthyProviderError';
  }

  static override isInstance(error: unknown): error is NoHealthyProviderError {
    return hasMarker(error, marker);
  }
}
