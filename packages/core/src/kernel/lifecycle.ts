import { KernelStoppedError } from '../errors/kernel-stopped-error.js';
import { LoomError } from '../errors/loom-error.js';
import { PluginError } from '../errors/plugin-error.js';
import type { ModelAliasConfig } from '../routing/model-config.js';
import type { MetricCollectorV1 } from '../spec/collector/v1/metric-collector-v1.js';
import type { LoomPluginV1, PluginApi } from '../spec/plugin/v1/loom-plugin-v1.js';
import type { AlertDispatcher } from './alert-dispatcher.js';
import type { Components } from './components.js';
import type { HealthMonitor } from './health-monitor.js';
import type { KernelState } from './kernel-types.js';
import type { KernelRuntime } from './runtime.js';

interface LifecycleParts {
  components: Components;
  runtime: KernelRuntime;
  health: HealthMonitor;
  alerts: AlertDispatcher;
  models: readonly ModelAliasConfig[];
  drainTimeoutMs: number;
  pluginApi: (plugin: LoomPluginV1) => PluginApi;
}

/** Starts and stops one kernel: plugin setup in dependency order, then a drain on the way out. */
export class Lifecycle {
  state: KernelState = 'idle';
  private starting?: Promise<void>;
  private stopping?: Promise<void>;
  private setUp: LoomPluginV1[] = [];
  private started: MetricCollectorV1[] = [];

  constructor(private readonly parts: LifecycleParts) {}

  start(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') {
      return Promise.reject(new KernelStoppedError({ phase: this.state }));
    }
    this.starting ??= this.run();
    return this.starting;
  }

  stop(drainTimeoutMs = this.parts.drainTimeoutMs): Promise<void> {
    this.stopping ??= this.shutdown(drainTimeoutMs);
    return this.stopping;
  }

  private async run(): Promise<void> {
    this.state = 'starting';
    const { components, runtime } = this.parts;
    try {
      for (const plugin of components.plugins.ordered()) {
        try {
          await plugin.setup(this.parts.pluginApi(plugin));
        } catch (error) {
          if (LoomError.isInstance(error)) throw error;
          throw new PluginError({ plugin: plugin.name, message: 'setup failed', cause: error });
        }
        this.setUp.push(plugin);
      }
      runtime.resolver.configure(this.parts.models);
      runtime.router.attach?.({
        providers: components.providers,
        emit: (event, payload) => runtime.events.emit(event, payload),
        health: (providerId) => this.parts.health.report(providerId),
        now: runtime.now,
      });
      const context = {
        emit: (metrics: unknown) => {
          runtime.events.emit('metric', (Array.isArray(metrics) ? metrics : [metrics]) as never);
        },
        events: runtime.events,
        now: runtime.now,
      };
      for (const collector of components.collectors.values()) {
        try {
          await collector.start(context);
        } catch (error) {
          throw new PluginError({
            plugin: collector.name,
            message: 'metric collector failed to start',
            cause: error,
          });
        }
        this.started.push(collector);
      }
      this.parts.health.start();
      this.state = 'running';
      runtime.events.emit('kernel:start', { timestamp: runtime.now() });
    } catch (error) {
      // A failed start leaves the kernel unusable but tidy: undo what was set up.
      this.state = 'stopped';
      await this.release();
      throw error;
    }
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    if (this.state === 'starting') await this.starting?.catch(() => {});
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    const { runtime } = this.parts;
    const drained = await runtime.inFlight.idle(drainTimeoutMs);
    let abandoned = 0;
    if (!drained) {
      abandoned = runtime.inFlight.abortAll(new KernelStoppedError({ phase: 'drain-deadline' }));
      await runtime.inFlight.idle(1_000);
    }
    await this.release();
    this.state = 'stopped';
    runtime.events.emit('kernel:stop', {
      timestamp: runtime.now(),
      drained: abandoned === 0,
      abandoned,
    });
  }

  /** Stops everything started, in reverse; one failing part does not stop the others. */
  private async release(): Promise<void> {
    const { components, runtime, health, alerts } = this.parts;
    const attempt = async (event: string, run: () => unknown) => {
      try {
        await run();
      } catch (error) {
        runtime.events.emit('listener:error', { event, error });
      }
    };
    health.stop();
    // Only collectors that started: a kernel stopped before it started never ran them.
    for (const collector of this.started) {
      await attempt(`collector:${collector.name}:stop`, () => collector.stop());
    }
    this.started = [];
    await alerts.flush(2_000);
    for (const plugin of this.setUp.reverse()) {
      if (plugin.teardown)
        await attempt(`plugin:${plugin.name}:teardown`, () => plugin.teardown?.());
    }
    this.setUp = [];
    await attempt('router:close', () => runtime.router.close?.());
    runtime.batcher?.close(new KernelStoppedError({ phase: 'stopped' }));
    for (const provider of components.providers.values()) {
      if (provider.close) await attempt(`provider:${provider.id}:close`, () => provider.close?.());
    }
    for (const sink of components.sinks.values()) {
      if (sink.close) await attempt(`sink:${sink.name}:close`, () => sink.close?.());
    }
  }
}
