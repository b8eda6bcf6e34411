import type { PluginKind } from '@loom/core';

/**
 * The short type names of the plugins that ship with Loom, and the package each one comes from.
 * Only names: schemas and factories live in those packages' plugin modules, loaded like any
 * third party's.
 */
export const BUILTIN_PLUGINS: Readonly<Record<PluginKind, Readonly<Record<string, string>>>> = {
  provider: {
    openai: '@loom/provider-openai',
    ollama: '@loom/provider-ollama',
    vllm: '@loom/provider-vllm',
  },
  'alert-sink': { log: '@loom/monitor', webhook: '@loom/monitor', memory: '@loom/monitor' },
  'metric-collector': { system: '@loom/monitor', llm: '@loom/monitor', session: '@loom/monitor' },
  'kernel-plugin': {},
};

/** Where each kind of plugin is named in the config file. */
export const SECTION_OF: Readonly<Record<PluginKind, string>> = {
  provider: 'providers',
  'alert-sink': 'alerts.sinks',
  'metric-collector': 'monitor.collectors',
  'kernel-plugin': 'plugins',
};

/**
 * Kernel plugins the gateway runs itself, from its own config sections: a second copy named in
 * `plugins` would clash with them.
 */
export const GATEWAY_OWN: Readonly<Record<string, string>> = {
  '@loom/cost#cost': 'the gateway runs it from `budgets`, `pricing` and `storage`',
  '@loom/monitor#monitor': 'the gateway runs it from `monitor` and `alerts`',
};

/** The package a built-in type comes from, if `type` is one for `kind`. */
export function builtinPackage(kind: PluginKind, type: string): string | undefined {
  const types = BUILTIN_PLUGINS[kind];
  return Object.hasOwn(types, type) ? types[type] : undefined;
}
