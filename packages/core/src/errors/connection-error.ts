import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.connection');

/** The upstream could not be reached, or dropped the connection before answering. Retryable. */
export class ConnectionError extends LoomError {
  readonly [marker] = true;

  constructor(options: { provider: string; url?: string; cause?: unknown }) {
    const reason = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super({
      code: 'connection_failed',
      statusCode: 502,
      isRetryable: true,
      provider: options.provider,
      cause: options.cause,
      message: `Could not reach provider '${options.provider}'${
        options.url ? ` at ${options.url}` : ''
      }${reason}. Check that the server runs and the base URL is right.`,
    });
    this.name = 'ConnectionError';
  }

  static override isInstance(error: unknown): error is ConnectionError {
    return hasMarker(error, marker);
  }
}
