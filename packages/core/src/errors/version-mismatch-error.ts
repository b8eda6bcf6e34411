import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.plugin_version_mismatch');

/** A plugin needs a `@loom/core` version range that the running core does not satisfy. */
export class VersionMismatchError extends LoomError {
  readonly [marker] = true;

  constructor(options: { plugin: string; range: string; coreVersion: string }) {
    super({
      code: 'plugin_version_mismatch',
      message: `Plugin '${options.plugin}' needs @loom/core ${options.range}, but ${options.coreVersion} is running. Install a plugin version made for this core, or upgrade @loom/core.`,
    });
    this.name = 'VersionMismatchError';
  }

  static override isInstance(error: unknown): error is VersionMismatchError {
    return hasMarker(error, marker);
  }
}
