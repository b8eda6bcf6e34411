import { basename, dirname, resolve } from 'node:path';
import type { PluginKind } from '@loom/core';
import { ConfigFileError, type ConfigIssue } from '../config/config-error.js';
import { type LoomConfig, providerConfigSchema } from '../config/config-schema.js';
import { toConfigIssues } from '../config/describe-issue.js';
import { type LoadedPlugin, PluginLoader } from './plugin-loader.js';
import { GATEWAY_FOLDER } from './resolve-package.js';

/** One config entry, its plugin module loaded and its settings validated by the module. */
export interface ResolvedPlugin<Kind extends PluginKind = PluginKind> {
  kind: Kind;
  /** Where the entry is in the file (`providers.1`), for errors. */
  path: string;
  /** The entry's `type`. */
  type: string;
  loaded: LoadedPlugin;
  /** What the module's schema made of the entry. */
  settings: unknown;
  /** A provider entry's `id`, which the provider made must carry. */
  id?: string;
}

/** Every plugin a config names, by kind, in config order. */
export interface ConfigPlugins {
  providers: ResolvedPlugin<'provider'>[];
  alertSinks: ResolvedPlugin<'alert-sink'>[];
  collectors: ResolvedPlugin<'metric-collector'>[];
  kernelPlugins: ResolvedPlugin<'kernel-plugin'>[];
  /** Values of settings their modules declare secret, for log redaction. */
  secrets: string[];
}

/** Keys of a provider entry that the gateway reads itself; `id` goes to the plugin too. */
const GATEWAY_PROVIDER_KEYS = new Set(
  Object.keys(providerConfigSchema.shape).filter((key) => key !== 'id'),
);

interface Entry {
  kind: PluginKind;
  path: string;
  type: string;
  settings: Record<string, unknown>;
  id?: string;
}

function settingsOf(entry: Record<string, unknown>, hostKeys: ReadonlySet<string>) {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !hostKeys.has(key)));
}

const TYPE_ONLY = new Set(['type']);
const DEFAULT_COLLECTORS = ['system', 'llm', 'session'];

function collectorEntries(config: LoomConfig): Entry[] {
  if (config.monitor?.enabled === false) return [];
  const listed = config.monitor?.collectors ?? [];
  const interval = config.monitor?.systemIntervalMs;
  const defaults: Entry[] = DEFAULT_COLLECTORS.filter(
    (type) => !listed.some((entry) => entry.type === type),
  ).map((type) => ({
    kind: 'metric-collector',
    path: 'monitor',
    type,
    settings: type === 'system' && interval ? { intervalMs: interval } : {},
  }));
  const explicit: Entry[] = listed.map((entry, index) => ({
    kind: 'metric-collector',
    path: `monitor.collectors.${index}`,
    type: entry.type,
    settings: settingsOf(entry, TYPE_ONLY),
  }));
  return [...defaults, ...explicit];
}

/** Every plugin entry of a config, with the settings its plugin gets. */
function entriesOf(config: LoomConfig): Entry[] {
  const plain = (kind: PluginKind, section: string, list: readonly { type: string }[] = []) =>
    list.map((entry, index) => ({
      kind,
      path: `${section}.${index}`,
      type: entry.type,
      settings: settingsOf(entry, TYPE_ONLY),
    }));
  return [
    ...config.providers.map((entry, index) => ({
      kind: 'provider' as const,
      path: `providers.${index}`,
      type: entry.type,
      settings: settingsOf(entry, GATEWAY_PROVIDER_KEYS),
      id: entry.id,
    })),
    ...plain('alert-sink', 'alerts.sinks', config.alerts?.sinks),
    ...collectorEntries(config),
    ...plain('kernel-plugin', 'plugins', config.plugins),
  ];
}

/** The folders plugin packages resolve from: the config file's, then the gateway's install. */
export function pluginFolders(file: string): string[] {
  return [dirname(resolve(file)), GATEWAY_FOLDER];
}

async function resolveEntry(
  entry: Entry,
  loader: PluginLoader,
  issues: ConfigIssue[],
): Promise<ResolvedPlugin | undefined> {
  let loaded: LoadedPlugin;
  try {
    loaded = await loader.load(entry.type, entry.kind);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    issues.push({ path: entry.path === 'monitor' ? entry.path : `${entry.path}.type`, message });
    return undefined;
  }
  const parsed = loaded.module.settings.safeParse(entry.settings, { reportInput: true });
  if (!parsed.success) {
    issues.push(...toConfigIssues(parsed.error.issues, entry.path));
    return undefined;
  }
  const { kind, path, type, id } = entry;
  return { kind, path, type, loaded, settings: parsed.data, ...(id ? { id } : {}) };
}

function declaredSecrets(plugin: ResolvedPlugin): string[] {
  const settings = plugin.settings as Record<string, unknown> | undefined;
  return (plugin.loaded.module.secrets ?? [])
    .map((key) => settings?.[key])
    .filter((value): value is string => typeof value === 'string' && value !== '');
}

/**
 * Loads the plugin module of every entry of a config (providers, alert sinks, collectors, kernel
 * plugins) and validates each entry's settings with it. Throws `ConfigFileError` naming `file`
 * and listing every problem, each at its dotted path (`providers.1.endpoint: Invalid URL`).
 */
export async function resolveConfigPlugins(
  config: LoomConfig,
  file: string,
  loader = new PluginLoader(pluginFolders(file)),
): Promise<ConfigPlugins> {
  // Loaded concurrently; each entry's issues kept apart so they are reported in file order.
  const entries = entriesOf(config);
  const found = entries.map((): ConfigIssue[] => []);
  const resolved = await Promise.all(
    entries.map((entry, index) => resolveEntry(entry, loader, found[index] ?? [])),
  );
  const issues = found.flat();
  if (issues.length > 0) throw new ConfigFileError(basename(file), issues);
  const plugins = resolved as ResolvedPlugin[];
  const ofKind = <Kind extends PluginKind>(kind: Kind) =>
    plugins.filter((plugin): plugin is ResolvedPlugin<Kind> => plugin.kind === kind);
  return {
    providers: ofKind('provider'),
    alertSinks: ofKind('alert-sink'),
    collectors: ofKind('metric-collector'),
    kernelPlugins: ofKind('kernel-plugin'),
    secrets: plugins.flatMap(declaredSecrets),
  };
}
