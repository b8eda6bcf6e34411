import { basename } from 'node:path';
import {
  createKernel,
  type Kernel,
  type KernelOptions,
  LoomError,
  type ProviderV1,
} from '@loom/core';
import {
  type ConfigProducts,
  createConfigPlugins,
  releaseProducts,
} from '../plugins/create-config-plugins.js';
import { gatewayPluginHost } from '../plugins/plugin-host.js';
import { type ConfigPlugins, resolveConfigPlugins } from '../plugins/resolve-config-plugins.js';
import type { RuntimeLog } from '../runtime/runtime-log.js';
import { configSecrets } from '../server/server-options.js';
import { ConfigFileError } from './config-error.js';
import type { LoomConfig } from './config-schema.js';

/** Drops undefined entries so kernel options only carry what the config set. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** The kernel's routing options: the config's, without the file list already read into priors. */
export function routingOptions(routing: LoomConfig['routing']) {
  if (!routing) return undefined;
  const { latencyPriorsFrom: _files, ...options } = routing;
  return options;
}

/** How `buildKernel` and `buildProviders` reach plugins. */
export interface BuildOptions {
  /** Plugins already resolved from this config (`resolveConfigPlugins`); resolved when absent. */
  plugins?: ConfigPlugins;
  /** Where plugins log; default stderr. */
  log?: RuntimeLog;
}

/**
 * Loads every plugin the config names (providers, alert sinks, collectors, kernel plugins) and
 * creates them, without starting anything. `file` is the config's path: plugin packages resolve
 * from its folder and errors name it (`loom.yaml: providers.1.baseURL: ...`).
 */
export async function buildConfigPlugins(
  config: LoomConfig,
  file = 'config',
  options: BuildOptions = {},
): Promise<ConfigProducts> {
  const plugins = options.plugins ?? (await resolveConfigPlugins(config, file));
  const secrets = configSecrets(config, plugins.secrets);
  const host = gatewayPluginHost(config, file, options.log, secrets);
  return createConfigPlugins(plugins, host, file);
}

/** Creates every provider a config lists, without starting anything. Errors as above. */
export async function buildProviders(
  config: LoomConfig,
  file = 'config',
  options: BuildOptions = {},
): Promise<ProviderV1[]> {
  const plugins = options.plugins ?? (await resolveConfigPlugins(config, file));
  const onlyProviders = { ...plugins, alertSinks: [], collectors: [], kernelPlugins: [] };
  return (await buildConfigPlugins(config, file, { ...options, plugins: onlyProviders })).providers;
}

/**
 * Assembles the kernel a config describes with its plugins; `extra` adds kernel options (the
 * gateway's cost and monitor plugins come first, then the config's own kernel plugins).
 */
export async function buildKernel(
  config: LoomConfig,
  file = 'config',
  extra: Partial<KernelOptions> = {},
  options: BuildOptions = {},
): Promise<Kernel> {
  const made = await buildConfigPlugins(config, file, options);
  const { plugins = [], alertSinks = [], collectors = [], ...rest } = extra;
  try {
    return assemble(config, made, { plugins, alertSinks, collectors, ...rest });
  } catch (error) {
    // Registration refused something (a kernel plugin's core range, a name taken twice): nothing
    // will start, so what the plugins made is closed, and the file is named.
    await releaseProducts(Object.values(made).flat());
    if (!LoomError.isInstance(error)) throw error;
    throw new ConfigFileError(basename(file), [{ path: '', message: error.message }]);
  }
}

function assemble(
  config: LoomConfig,
  made: ConfigProducts,
  extra: Partial<KernelOptions> &
    Required<Pick<KernelOptions, 'plugins' | 'alertSinks' | 'collectors'>>,
): Kernel {
  const { plugins, alertSinks, collectors, ...rest } = extra;
  return createKernel(
    compact({
      providers: made.providers,
      plugins: [...plugins, ...made.kernelPlugins],
      alertSinks: [...alertSinks, ...made.alertSinks],
      collectors: [...collectors, ...made.collectors],
      models: config.models,
      defaultProvider: config.defaultProvider,
      routing: routingOptions(config.routing),
      cache: config.cache,
      singleFlight: config.singleFlight,
      embeddingBatching: config.embeddingBatching,
      degraded: config.degraded,
      telemetry: config.telemetry === false ? (false as const) : undefined,
      health: config.health,
      drainTimeoutMs: config.server?.drainTimeoutMs,
      // The gateway parses the wire body with its own, stricter schema before the kernel sees
      // it; a second validation per request would only cost time. Pass `validateRequests: true`
      // in `extra` when requests come from elsewhere.
      validateRequests: false,
      ...rest,
    }),
  );
}
