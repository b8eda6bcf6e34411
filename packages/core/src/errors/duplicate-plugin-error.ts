import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.plugin_duplicate');

/** Two plugins (or providers, collectors, sinks) of the same kind share a name. */
export class DuplicatePluginError extends LoomError {
  readonly [marker] = true;

  constructor(options: { kind: string; name: string }) {
    super({
      code: 'plugin_duplicate',
      message: `A ${options.kind} named '${options.name}' is already registered. Give each ${options.kind} a unique name, or register it once.`,
    });
    this.name = 'DuplicatePluginError';
  }

  static override isInstance(error: unknown): error is DuplicatePluginError {
    return hasMarker(error, marker);
  }
}
