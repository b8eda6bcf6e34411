import type { Alert } from '../../alert-sink/v1/alert.js';
import type { AlertSinkV1 } from '../../alert-sink/v1/alert-sink-v1.js';
import type { MetricCollectorV1 } from '../../collector/v1/metric-collector-v1.js';
import type { ProviderV1 } from '../../provider/v1/provider-v1.js';
import type { KernelEventSource, KernelEvents } from './kernel-events.js';
import type { RequestHooks } from './request-hooks.js';

/** What a plugin's `setup` receives: the parts of the kernel a plugin may extend. */
export interface PluginApi {
  /** Version of the running `@loom/core`. */
  readonly coreVersion: string;
  /** Adds a provider. */
  registerProvider(provider: ProviderV1): void;
  /** Registered providers by id (read-only), e.g. to price a deployment by its provider's type. */
  readonly providers: ReadonlyMap<string, ProviderV1>;
  /** Adds a metric collector; started with the kernel. */
  registerCollector(collector: MetricCollectorV1): void;
  /** Adds an alert sink. */
  registerAlertSink(sink: AlertSinkV1): void;
  /** Adds request hooks. */
  addHooks(hooks: RequestHooks): void;
  /** The kernel's events. */
  readonly events: KernelEventSource;
  /** Emits a kernel event (a cost plugin emits `budget:threshold`). */
  emit<K extends keyof KernelEvents>(event: K, payload: KernelEvents[K]): void;
  /** Raises or resolves an alert: emitted as an event and delivered to every sink. */
  alert(alert: Alert): void;
  /** The kernel's clock, epoch milliseconds. */
  now(): number;
}

/**
 * A kernel plugin: cost tracking, monitoring, caches, or a bundle of providers. The kernel checks
 * name, spec version and core version range on `use()`, and dependencies on `start()`, then calls
 * `setup` in dependency order.
 */
export interface LoomPluginV1 {
  /** Contract version this object implements. */
  readonly specificationVersion: 'v1';
  /** Unique name, conventionally the package name (`@loom/cost`). */
  readonly name: string;
  /** The plugin's own version, for diagnostics. */
  readonly version?: string;
  /** Semver range of `@loom/core` the plugin works with (`^0.1.0`). */
  readonly coreVersion?: string;
  /** Names of plugins that must be set up first. */
  readonly dependencies?: readonly string[];
  /** Registers providers, collectors, sinks, hooks and listeners. */
  setup(api: PluginApi): void | Promise<void>;
  /** Undoes `setup` when the kernel stops (after requests drained), in reverse order. */
  teardown?(): void | Promise<void>;
}
