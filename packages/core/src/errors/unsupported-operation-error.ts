import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.unsupported_operation');

/** No deployment of the model can do what was asked (embeddings on a chat-only provider). */
export class UnsupportedOperationError extends LoomError {
  readonly [marker] = true;

  constructor(options: { operation: string; model: string; provider?: string }) {
    super({
      code: 'unsupported_operation',
      statusCode: 400,
      message: `Model '${options.model}' has no deployment that supports ${options.operation}${
        options.provider ? ` (provider '${options.provider}' has none)` : ''
      }. Route the request to a model that does.`,
      provider: options.provider,
    });
    this.name = 'UnsupportedOperationError';
  }

  static override isInstance(error: unknown): error is UnsupportedOperationError {
    return hasMarker(error, marker);
  }
}
