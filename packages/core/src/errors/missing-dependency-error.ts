import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.plugin_missing_dependency');

/** A plugin depends on another that was never `use()`d. */
export class MissingDependencyError extends LoomError {
  readonly [marker] = true;

  constructor(options: { plugin: string; dependency: string }) {
    super({
      code: 'plugin_missing_dependency',
      message: `Plugin '${options.plugin}' needs plugin '${options.dependency}', which is not registered. Call kernel.use() with '${options.dependency}' too.`,
    });
    this.name = 'MissingDependencyError';
  }

  static override isInstance(error: unknown): error is MissingDependencyError {
    return hasMarker(error, marker);
  }
}
