import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.invalid_config');

/** Kernel or plugin configuration is wrong; `path` says where (`models.0.targets.1`). */
export class ConfigError extends LoomError {
  readonly [marker] = true;
  readonly path: string;
  /** What is wrong at `path`, without the location (`must be an http:// or https:// URL`). */
  readonly detail: string;

  constructor(options: { path: string; message: string; source?: string }) {
    const where = options.source ? `${options.source}: ${options.path}` : options.path;
    super({
      code: 'invalid_config',
      message: `Invalid configuration at ${where}: ${options.message}`,
    });
    this.name = 'ConfigError';
    this.path = options.path;
    this.detail = options.message;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return hasMarker(error, marker);
  }
}
