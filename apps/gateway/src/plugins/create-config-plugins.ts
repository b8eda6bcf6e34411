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
    // `detail` is missing on a ConfigError from an older core a plugin may bundle.
    const detail = (error as { detail?: string }).detail;
    const message =
      detail ?? error.message.replace(/^Invalid configuration at [^:]+(: [^:]+)?: /, '');
    const path = error.path.replace(/ \(or [A-Z_]+\)$/, '').replace(/^\(settings\)$/, '');
    return new ConfigFileError(file, [
      { path: path ? `${plugin.path}.${path}` : plugin.path, message },
    ]);
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
  made: unknown[],
): Promise<PluginProducts[Kind]> {
  let product: PluginProducts[Kind];
  try {
    product = (await plugin.loaded.module.create(plugin.settings, host)) as PluginProducts[Kind];
  } catch (error) {
    throw entryError(plugin, file, error);
  }
  made.push(product);
  const problem = shapeProblem(plugin.kind, product);
  if (problem) throw new ConfigFileError(file, [{ path: plugin.path, message: problem }]);
  const { id } = product as ProviderV1;
  if (plugin.kind === 'provider' && id !== plugin.id) {
    const message = `the plugin made a provider with id "${id}", not "${plugin.id}": its module must pass the \`id\` setting on`;
    throw new ConfigFileError(file, [{ path: `${plugin.path}.id`, message }]);
  }
  return product;
}

/** Closes what plugins made, when the kernel they were made for will not run. */
export async function releaseProducts(products: readonly unknown[]): Promise<void> {
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
    const names = new Map<string, string>();
    for (const plugin of list) {
      const product = await make(plugin, host, name, made);
      products.push(product);
      // Sinks, collectors and kernel plugins are registered by name; two of one name clash.
      const named = (product as { name?: unknown }).name;
      if (plugin.kind === 'provider' || typeof named !== 'string') continue;
      const earlier = names.get(named);
      if (earlier) {
        const message = `another entry (${earlier}) already makes a ${plugin.kind} named "${named}"; give one of them its own \`name\``;
        throw new ConfigFileError(name, [{ path: plugin.path, message }]);
      }
      names.set(named, plugin.path);
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
    await releaseProducts(made);
    throw error;
  }
}
