import { DuplicatePluginError } from '../errors/duplicate-plugin-error.js';
import { PluginError } from '../errors/plugin-error.js';
import type { Alert } from '../spec/alert-sink/v1/alert.js';
import type { AlertSinkV1 } from '../spec/alert-sink/v1/alert-sink-v1.js';
import type { MetricCollectorV1 } from '../spec/collector/v1/metric-collector-v1.js';
import type { LoomPluginV1, PluginApi } from '../spec/plugin/v1/loom-plugin-v1.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { EventBus } from './event-bus.js';
import type { HookSet } from './hook-set.js';
import { assertName, assertSpecification, PluginRegistry } from './plugin-registry.js';

function assertMethods(kind: string, name: string, value: object, methods: readonly string[]) {
  for (const method of methods) {
    if (typeof (value as Record<string, unknown>)[method] !== 'function') {
      throw new PluginError({ plugin: name, message: `a ${kind} must have a ${method}() method` });
    }
  }
}

/** Everything registered in one kernel: providers, collectors, sinks, plugins and hooks. */
export class Components {
  readonly providers = new Map<string, ProviderV1>();
  readonly collectors = new Map<string, MetricCollectorV1>();
  readonly sinks = new Map<string, AlertSinkV1>();
  readonly plugins: PluginRegistry;

  constructor(
    private readonly coreVersion: string,
    readonly hooks: HookSet,
  ) {
    this.plugins = new PluginRegistry(coreVersion);
  }

  addProvider(provider: ProviderV1): void {
    assertName('provider', provider?.id);
    assertSpecification('provider', provider.id, provider);
    assertMethods('provider', provider.id, provider, ['doListModels', 'doChat', 'doStream']);
    if (this.providers.has(provider.id))
      throw new DuplicatePluginError({ kind: 'provider', name: provider.id });
    this.providers.set(provider.id, provider);
  }

  addCollector(collector: MetricCollectorV1): void {
    assertName('metric collector', collector?.name);
    assertSpecification('metric collector', collector.name, collector);
    assertMethods('metric collector', collector.name, collector, ['start', 'stop']);
    if (this.collectors.has(collector.name)) {
      throw new DuplicatePluginError({ kind: 'metric collector', name: collector.name });
    }
    this.collectors.set(collector.name, collector);
  }

  addSink(sink: AlertSinkV1): void {
    assertName('alert sink', sink?.name);
    assertSpecification('alert sink', sink.name, sink);
    assertMethods('alert sink', sink.name, sink, ['doSend']);
    if (this.sinks.has(sink.name))
      throw new DuplicatePluginError({ kind: 'alert sink', name: sink.name });
    this.sinks.set(sink.name, sink);
  }

  /** The API handed to one plugin's `setup`; hooks it adds are attributed to it in errors. */
  apiFor(
    plugin: LoomPluginV1,
    events: EventBus,
    alert: (alert: Alert) => void,
    now: () => number,
  ): PluginApi {
    return {
      coreVersion: this.coreVersion,
      registerProvider: (provider) => this.addProvider(provider),
      providers: this.providers,
      registerCollector: (collector) => this.addCollector(collector),
      registerAlertSink: (sink) => this.addSink(sink),
      addHooks: (hooks) => this.hooks.add(plugin.name, hooks),
      events,
      emit: (event, payload) => events.emit(event, payload),
      alert,
      now,
    };
  }
}
