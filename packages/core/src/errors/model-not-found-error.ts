import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.model_not_found');

/**
 * The model is neither a configured alias nor `providerId/model` of a registered provider, or an
 * upstream said it does not serve it (then `provider` is set and another deployment may work).
 */
export class ModelNotFoundError extends LoomError {
  readonly [marker] = true;
  readonly model: string;

  constructor(options: {
    model: string;
    known?: readonly string[];
    provider?: string;
    cause?: unknown;
  }) {
    const known = options.known?.length ? ` Known models: ${options.known.join(', ')}.` : '';
    const where = options.provider
      ? `Provider '${options.provider}' does not serve`
      : 'No alias or provider matches';
    super({
      code: 'model_not_found',
      statusCode: 404,
      isRetryable: options.provider !== undefined,
      message: `${where} model '${options.model}'.${known} Use a configured alias or 'providerId/model'.`,
      provider: options.provider,
      cause: options.cause,
    });
    this.name = 'ModelNotFoundError';
    this.model = options.model;
  }

  static override isInstance(error: unknown): error is ModelNotFoundError {
    return hasMarker(error, marker);
  }
}
