import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.kernel_stopped');

/** The kernel is stopping or stopped and takes no new requests; in-flight ones were cut at the drain deadline. */
export class KernelStoppedError extends LoomError {
  readonly [marker] = true;

  constructor(options: { phase: 'stopping' | 'stopped' | 'drain-deadline' }) {
    const message = {
      stopping:
        'The kernel is shutting down and takes no new requests. Send it to another instance.',
      stopped: 'The kernel is stopped. Create or start a kernel before sending requests.',
      'drain-deadline': 'The kernel stopped before this request finished (drain deadline passed).',
    }[options.phase];
    super({ code: 'kernel_stopped', statusCode: 503, isRetryable: true, message });
    this.name = 'KernelStoppedError';
  }

  static override isInstance(error: unknown): error is KernelStoppedError {
    return hasMarker(error, marker);
  }
}
