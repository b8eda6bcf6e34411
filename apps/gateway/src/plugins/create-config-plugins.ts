import { basename } from 'node:path';
import {
  type AlertSinkV1,
  ConfigError,
  type LoomPluginV1,
  type MetricCollectorV1,
  type PluginHost,
  type PluginKind,
  type PluginProducts,
  type ProviderV1,
} from '@loom/core';
import { ConfigFileError } from '../config/config-error.js';
import type { ConfigPlugins, ResolvedPlugin } from './resolve-config-plugins.js';

/** What a config's plugin entries made. */
export interface ConfigProducts {
  providers: ProviderV1[];
  alertSinks: AlertSinkV1[];
  collectors: MetricCollectorV1[];
  kernelPlugins: LoomPluginV1[];
}

/** Turns what a plugin's `create` threw into an error at the entry's path. */
function entryError(plugin: ResolvedPlugin, file: string, error: unknown): ConfigFileError {
  if (ConfigError.isInstance(error)) {
    const message = error.message.replace(/^Invalid configuration at [^:]+(: [^:]+)?: /, '');
    const path = error.path.replace(/ \(or [A-Z_]+\)$/, '');
    return new ConfigFileError(file, [{ path: `${plugin.path}.${path}`, message }]);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConfigFileError(file, [{ path: plugin.path, message }]);
}

/** What each kind's product must have, so a broken plugin fails here and not mid-request. */
function shapeProblem(kind: PluginKind, product: unknown): string | undefined {
  const value = product as Record<string, unknown> | null | undefined;
  if (value?.specificationVersion !== 'v1')
    return `the plugin's create() returned no ${kind} of spec v1`;
  if (kind === 'provider' && typeof value.doChat !== 'function')
    return 'the provider has no doChat';
  if (kind === 'alert-sink' && typeof value.doSend !== 'function') return 'the sink has no doSend';
  if (kind === 'kernel-plugin' && typeof value.setup !== 'function')
    return 'the plugin has no setup';
  return undefined;
}

async function make<Kind extends PluginKind>(
  plugin: ResolvedPlugin<Kind>,
  host: PluginHost,
  file: string,
): Promise<PluginProducts[Kind]> {
  let product: PluginProducts[Kind];
  try {
    product = (await plugin.loaded.module.create(plugin.settings, host)) as PluginProducts[Kind];
  } catch (error) {
    throw entryError(plugin, file, error);
  }
  const problem = shapeProblem(plugin.kind, product);
  if (problem) throw new ConfigFileError(file, [{ path: plugin.path, message: problem }]);
  if (plugin.kind === 'provider') {
    const wanted = (plugin.settings as { id?: unknown }).id;
    const { id } = product as ProviderV1;
    if (wanted !== undefined && id !== wanted) {
      const message = `the plugin made a provider with id "${id}", not "${String(wanted)}": it must use the \`id\` setting`;
      throw new ConfigFileError(file, [{ path: `${plugin.path}.id`, message }]);
    }
  }
  return product;
}

async function release(products: readonly unknown[]): Promise<void> {
  await Promise.allSettled(
    products.map((product) => (product as { close?: () => unknown }).close?.()),
  );
}

/**
 * Calls every resolved plugin's `create` with its settings and the host. When one fails, what
 * was made is closed and the error names the entry (`loom.yaml: providers.1.baseURL: ...`).
 */
export async function createConfigPlugins(
  plugins: ConfigPlugins,
  host: PluginHost,
  file: string,
): Promise<ConfigProducts> {
  const name = basename(file);
  const made: unknown[] = [];
  const all = async <Kind extends PluginKind>(list: readonly ResolvedPlugin<Kind>[]) => {
    const products: PluginProducts[Kind][] = [];
    for (const plugin of list) {
      const product = await make(plugin, host, name);
      made.push(product);
      products.push(product);
    }
    return products;
  };
  try {
    return {
      providers: await all(plugins.providers),
      alertSinks: await all(plugins.alertSinks),
      collectors: await all(plugins.collectors),
      kernelPlugins: await all(plugins.kernelPlugins),
    };
  } catch (error) {
    await release(made);
    throw error;
  }
}
