import type { z } from 'zod';
import type { AlertSinkV1 } from '../../alert-sink/v1/alert-sink-v1.js';
import type { MetricCollectorV1 } from '../../collector/v1/metric-collector-v1.js';
import type { LoomPluginV1 } from '../../plugin/v1/loom-plugin-v1.js';
import type { ProviderV1 } from '../../provider/v1/provider-v1.js';
import type { PluginHost } from './plugin-host.js';

/** What a plugin module makes, by kind. */
export interface PluginProducts {
  provider: ProviderV1;
  'metric-collector': MetricCollectorV1;
  'alert-sink': AlertSinkV1;
  'kernel-plugin': LoomPluginV1;
}

/** The four kinds of plugin a host can load by name. */
export type PluginKind = keyof PluginProducts;

/**
 * The descriptor a plugin package exports so that a host app can load it by name, the way the
 * gateway loads `type: "@acme/loom-provider"` from its config file. Export it as the package's
 * default export or as `loomPlugin`; a package shipping several exports them as an array named
 * `loomPlugins`. The host validates the settings with `settings`, then calls `create` once per
 * config entry (again after every config reload), so `create` must not keep module-level state.
 */
export interface PluginModuleV1<Kind extends PluginKind = PluginKind, Settings = unknown> {
  /** Contract version this object implements. */
  readonly specificationVersion: 'v1';
  /** What `create` returns. */
  readonly kind: Kind;
  /**
   * The type name, unique among the package's modules of one kind (`ollama`, `webhook`). For
   * built-in plugins it is what config files write; third-party ones are named by package.
   */
  readonly type: string;
  /** One line for listings such as `loom plugins`. */
  readonly description?: string;
  /**
   * Schema of the settings: the config entry without the host's own keys (`type`, and for
   * providers `costPerHourUsd` and `allowLinkLocal`; a provider's `id` is passed through).
   * Settings must be plain data (JSON), since they come from config files; prefer strict objects
   * so a misspelt key is an error that names it.
   */
  readonly settings: z.ZodType<Settings>;
  /**
   * Setting keys that hold secrets (`apiKey`, `routingKey`); the host redacts their values from
   * logs and listings. Keys named like `apiKey`, `token`, `secret` or `password` and every
   * value of `headers` are redacted anyway.
   */
  readonly secrets?: readonly string[];
  /** Makes the plugin from validated settings. A thrown `ConfigError` names the setting. */
  create(
    settings: Settings,
    host: PluginHost,
  ): PluginProducts[Kind] | Promise<PluginProducts[Kind]>;
}
