import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.malformed_response');

/** The upstream's answer could not be understood, or a stream ended without its finish. */
export class MalformedResponseError extends LoomError {
  readonly [marker] = true;

  constructor(options: { provider: string; message: string; cause?: unknown }) {
    super({
      code: 'malformed_response',
      statusCode: 502,
      isRetryable: true,
      provider: options.provider,
      cause: options.cause,
      message: `Provider '${options.provider}' sent a response Loom could not use: ${options.message}`,
    });
    this.name = 'MalformedResponseError';
  }

  static override isInstance(error: unknown): error is MalformedResponseError {
    return hasMarker(error, marker);
  }
}
