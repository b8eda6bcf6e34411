import { dirname, resolve } from 'node:path';
import { type PluginHost, type PluginLogger, redactSecrets, VERSION } from '@loom/core';
import type { LoomConfig } from '../config/config-schema.js';
import { type RuntimeLog, stderrLog } from '../runtime/runtime-log.js';

/**
 * What the gateway lends plugin modules: its log (with `secrets` blanked out), the config file's
 * folder, and the data folder (`storage.dataDir`, relative to the config file; default `.loom`
 * beside it).
 */
export function gatewayPluginHost(
  config: LoomConfig,
  file: string,
  log: RuntimeLog = stderrLog,
  secrets: readonly string[] = [],
): PluginHost {
  const configDir = dirname(resolve(file));
  // A plugin may log what its settings hold; the config's credentials never reach the log.
  const clean = (message: string) => redactSecrets(message, secrets);
  const logger: PluginLogger = {
    debug: () => {},
    info: (message) => log.info(clean(message)),
    warn: (message) => log.warn(clean(message)),
    error: (message) => log.error(clean(message)),
  };
  return {
    logger,
    configDir,
    dataDir: resolve(configDir, config.storage?.dataDir ?? '.loom'),
    coreVersion: VERSION,
  };
}
