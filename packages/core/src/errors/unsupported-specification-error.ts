import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.plugin_unsupported_spec');

/** A plugin implements a contract version this core does not know. */
export class UnsupportedSpecificationError extends LoomError {
  readonly [marker] = true;

  constructor(options: {
    kind: string;
    name: string;
    version: unknown;
    supported: readonly string[];
  }) {
    super({
      code: 'plugin_unsupported_spec',
      message: `The ${options.kind} '${options.name}' implements specification version ${JSON.stringify(
        options.version,
      )}; this @loom/core supports ${options.supported.join(', ')}. Upgrade @loom/core or use a matching plugin version.`,
    });
    this.name = 'UnsupportedSpecificationError';
  }

  static override isInstance(error: unknown): error is UnsupportedSpecificationError {
    return hasMarker(error, marker);
  }
}
