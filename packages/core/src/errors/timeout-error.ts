import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.timeout');

/** Which clock ran out. */
export type TimeoutPhase = 'attempt' | 'first-chunk' | 'idle' | 'deadline' | 'health';

/**
 * A time limit passed and the work was aborted. Attempt-level timeouts are retryable (another
 * deployment may be faster); the request's overall `deadline` is not.
 */
export class TimeoutError extends LoomError {
  readonly [marker] = true;
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;

  constructor(options: { phase: TimeoutPhase; timeoutMs: number; provider?: string }) {
    const what = {
      attempt: 'The attempt',
      'first-chunk': 'Waiting for the first chunk',
      idle: 'The stream stalled and',
      deadline: 'The request',
      health: 'The health check',
    }[options.phase];
    super({
      code: 'timeout',
      statusCode: 504,
      isRetryable: options.phase !== 'deadline',
      provider: options.provider,
      message: `${what} took longer than ${options.timeoutMs} ms${
        options.provider ? ` on provider '${options.provider}'` : ''
      }. Raise the timeout or check the upstream's load.`,
    });
    this.name = 'TimeoutError';
    this.phase = options.phase;
    this.timeoutMs = options.timeoutMs;
  }

  static override isInstance(error: unknown): error is TimeoutError {
    return hasMarker(error, marker);
  }
}
