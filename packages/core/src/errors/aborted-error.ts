import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.aborted');

/** The caller aborted the request (its AbortSignal fired). Not retried. */
export class AbortedError extends LoomError {
  readonly [marker] = true;

  constructor(options: { cause?: unknown } = {}) {
    super({
      code: 'aborted',
      statusCode: 499,
      cause: options.cause,
      message: 'The caller aborted the request; the upstream call was cancelled.',
    });
    this.name = 'AbortedError';
  }

  static override isInstance(error: unknown): error is AbortedError {
    return hasMarker(error, marker);
  }
}
