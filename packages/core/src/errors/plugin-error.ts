import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.plugin');

/**
 * A plugin is malformed (no name, no setup, a dependency cycle), its setup failed, or one of its
 * hooks threw something that is not a `LoomError`.
 */
export class PluginError extends LoomError {
  readonly [marker] = true;
  readonly plugin: string;

  constructor(options: { plugin: string; message: string; cause?: unknown }) {
    super({
      code: 'plugin_error',
      statusCode: 500,
      cause: options.cause,
      message: `Plugin '${options.plugin}': ${options.message}`,
    });
    this.name = 'PluginError';
    this.plugin = options.plugin;
  }

  static override isInstance(error: unknown): error is PluginError {
    return hasMarker(error, marker);
  }
}
