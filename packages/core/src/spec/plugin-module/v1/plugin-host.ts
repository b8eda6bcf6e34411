/** Where a plugin writes what it has to say; pino loggers and `console` fit. */
export interface PluginLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * What a host app (the gateway, a test, your own server) lends a plugin module's `create`. Hosts
 * fill every field, so a plugin never needs a fallback of its own.
 */
export interface PluginHost {
  /** The host's logger, already redacting the secrets the host knows of. */
  readonly logger: PluginLogger;
  /**
   * Folder of the config file the settings came from: resolve relative paths in settings against
   * it, never against the process's working directory.
   */
  readonly configDir: string;
  /**
   * A folder the plugin may keep files in (caches, state), shared by every plugin of the host:
   * use a subfolder named after the package. It may not exist yet, so create what you write into
   * (`mkdir` with `recursive: true`) when you first write.
   */
  readonly dataDir: string;
  /** Version of the `@loom/core` the host runs, to compare with what the plugin was built for. */
  readonly coreVersion: string;
}
