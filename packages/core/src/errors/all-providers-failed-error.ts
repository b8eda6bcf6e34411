import type { AttemptRecord } from '../spec/plugin/v1/request-hooks.js';
import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.all_providers_failed');

/**
 * Every candidate was tried and failed. `attempts` lists each attempt with its error; status,
 * retryability and retry-after come from the last one.
 */
export class AllProvidersFailedError extends LoomError {
  readonly [marker] = true;
  readonly attempts: readonly AttemptRecord[];

  constructor(options: { model: string; attempts: readonly AttemptRecord[] }) {
    const last = options.attempts.at(-1)?.error;
    const list = options.attempts
      .map((a) => `#${a.attempt} ${a.deployment.id}: ${a.error?.code ?? 'unknown'}`)
      .join('; ');
    super({
      code: 'all_providers_failed',
      statusCode: last?.statusCode ?? 502,
      isRetryable: last?.isRetryable ?? false,
      retryAfterMs: last?.retryAfterMs,
      provider: last?.provider,
      cause: last,
      message: `All ${options.attempts.length} attempt(s) for model '${options.model}' failed (${list}). Last error: ${
        last?.message ?? 'unknown'
      }`,
    });
    this.name = 'AllProvidersFailedError';
    this.attempts = options.attempts;
  }

  static override isInstance(error: unknown): error is AllProvidersFailedError {
    return hasMarker(error, marker);
  }
}
