import { KernelStoppedError } from '../errors/kernel-stopped-error.js';
import { PluginError } from '../errors/plugin-error.js';
import { ModelResolver } from '../routing/model-resolver.js';
import type { ProviderStats, RouteExplanation } from '../routing/router-reports.js';
import { createRouter } from '../routing/smart-router.js';
import { chatRequestSchema, embedRequestSchema } from '../schemas/chat-request-schema.js';
import { validate } from '../schemas/validate.js';
import type { Alert } from '../spec/alert-sink/v1/alert.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { EmbedResponse } from '../spec/embed/embed-response.js';
import type { LoomPluginV1 } from '../spec/plugin/v1/loom-plugin-v1.js';
import { GenAiTelemetry } from '../telemetry/gen-ai-telemetry.js';
import { VERSION } from '../version.js';
import { AlertDispatcher } from './alert-dispatcher.js';
import { ChatFeatures } from './chat-features.js';
import { Components } from './components.js';
import { EmbedBatcher } from './embed-batcher.js';
import { EventBus } from './event-bus.js';
import { HealthMonitor } from './health-monitor.js';
import { HookSet } from './hook-set.js';
import { InFlight } from './in-flight.js';
import { type KernelStats, StatsRecorder } from './kernel-stats.js';
import type {
  CallOptions,
  Kernel,
  KernelChatResponse,
  KernelOptions,
  KernelState,
  KernelStream,
  ModelCatalog,
  ProviderHealth,
} from './kernel-types.js';
import { Lifecycle } from './lifecycle.js';
import { listModels } from './list-models.js';
import { KernelRequestContext } from './request-context.js';
import { RequestScope } from './request-scope.js';
import { runStream } from './run-stream.js';
import { runChat, runEmbed } from './run-unary.js';
import type { KernelRuntime } from './runtime.js';

/** Ids unique across kernels and processes (random prefix) and cheap per request (counter). */
function sequentialIds(): () => string {
  const prefix = crypto.randomUUID().slice(0, 8);
  let counter = 0;
  return () => `${prefix}-${(counter++).toString(36)}`;
}

/** Creates a kernel. All its state lives in the returned object: kernels never share anything. */
export function createKernel(options: KernelOptions = {}): Kernel {
  return new LoomKernel(options);
}

type EmbedInput = Omit<EmbedRequest, 'input'> & { input: string | string[] };

class LoomKernel implements Kernel {
  readonly events = new EventBus();
  private readonly stats_ = new StatsRecorder();
  private readonly components: Components;
  private readonly runtime: KernelRuntime;
  private readonly lifecycle: Lifecycle;
  private readonly alerts: AlertDispatcher;
  private readonly health_: HealthMonitor;
  private readonly validateRequests: boolean;
  private readonly timeoutMs: number | undefined;
  private readonly features: ChatFeatures;
  private readonly featuresActive: boolean;

  constructor(options: KernelOptions) {
    const now = options.now ?? Date.now;
    const hooks = new HookSet(this.events);
    this.components = new Components(VERSION, hooks);
    for (const provider of options.providers ?? []) this.components.addProvider(provider);
    for (const collector of options.collectors ?? []) this.components.addCollector(collector);
    for (const sink of options.alertSinks ?? []) this.components.addSink(sink);
    for (const plugin of options.plugins ?? []) this.components.plugins.add(plugin);
    this.validateRequests = options.validateRequests ?? true;
    this.alerts = new AlertDispatcher(this.components.sinks, this.events, this.stats_);
    this.health_ = new HealthMonitor(
      this.components.providers,
      this.events,
      now,
      options.health?.intervalMs ?? 30_000,
      options.health?.timeoutMs ?? 5_000,
    );
    this.timeoutMs = options.timeoutMs ?? options.routing?.timeoutMs;
    const generateId = options.generateId ?? sequentialIds();
    this.features = new ChatFeatures(
      options.cache || undefined,
      options.singleFlight ?? false,
      options.degraded,
      now,
      generateId,
      (event) => {
        if (this.events.has('cache:lookup')) this.events.emit('cache:lookup', event);
      },
    );
    this.featuresActive = this.features.active;
    this.runtime = {
      providers: this.components.providers,
      resolver: new ModelResolver(this.components.providers, options.defaultProvider),
      router: options.router ?? createRouter(options.routing),
      hooks,
      events: this.events,
      telemetry: options.telemetry === false ? undefined : new GenAiTelemetry(options.telemetry),
      stats: this.stats_,
      health: this.health_,
      inFlight: new InFlight(),
      now,
      generateId,
      streamContinuation: options.routing?.streamContinuation ?? false,
      batcher: options.embeddingBatching ? new EmbedBatcher(options.embeddingBatching) : undefined,
      timeouts: {
        attemptMs: options.routing?.attemptTimeoutMs,
        firstChunkMs: options.routing?.firstTokenTimeoutMs,
        idleMs: options.routing?.idleTimeoutMs,
      },
    };
    this.lifecycle = new Lifecycle({
      components: this.components,
      runtime: this.runtime,
      health: this.health_,
      alerts: this.alerts,
      models: options.models ?? [],
      drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
      pluginApi: (plugin) =>
        this.components.apiFor(plugin, this.events, (alert) => this.alert(alert), now),
    });
  }

  get state(): KernelState {
    return this.lifecycle.state;
  }

  use(plugin: LoomPluginV1): this {
    if (this.lifecycle.state !== 'idle') {
      throw new PluginError({
        plugin: String(plugin?.name),
        message:
          'plugins must be added before the kernel starts. Call use() before start() or the first request.',
      });
    }
    this.components.plugins.add(plugin);
    return this;
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(options?: { drainTimeoutMs?: number }): Promise<void> {
    return this.lifecycle.stop(options?.drainTimeoutMs);
  }

  chat(request: ChatRequest, options?: CallOptions): Promise<KernelChatResponse> {
    return this.handle(request, options, this.parseChat, this.runChat);
  }

  stream(request: ChatRequest, options?: CallOptions): Promise<KernelStream> {
    return this.handle(request, options, this.parseChat, this.runStream);
  }

  embed(request: EmbedInput, options?: CallOptions): Promise<EmbedResponse> {
    return this.handle(request, options, this.parseEmbed, this.runEmbed);
  }

  // Not async, and every function it takes is made once per kernel: on the hot path (kernel
  // running, request valid) a call allocates no promise or closure of its own here.
  private handle<I, Q, R>(
    input: I,
    options: CallOptions | undefined,
    parse: (input: I) => Q,
    run: (valid: Q, options: CallOptions | undefined) => Promise<R>,
  ): Promise<R> {
    if (this.lifecycle.state !== 'running') {
      return this.ready().then(() => this.handle(input, options, parse, run));
    }
    let valid: Q;
    try {
      valid = parse(input);
    } catch (error) {
      return Promise.reject(error);
    }
    return run(valid, options);
  }

  private readonly runChat = (valid: ChatRequest, options: CallOptions | undefined) => {
    if (!this.featuresActive)
      return runChat(this.runtime, this.scope('chat', valid, options), valid);
    return this.features.chat(valid, options, () =>
      runChat(this.runtime, this.scope('chat', valid, options), valid),
    );
  };

  private readonly runStream = (valid: ChatRequest, options: CallOptions | undefined) => {
    if (!this.featuresActive)
      return runStream(this.runtime, this.scope('stream', valid, options), valid);
    return this.features.stream(valid, options, () =>
      runStream(this.runtime, this.scope('stream', valid, options), valid),
    );
  };

  private readonly runEmbed = (valid: EmbedRequest, options: CallOptions | undefined) =>
    runEmbed(this.runtime, this.scope('embed', valid, options), valid);

  private readonly parseChat = (request: ChatRequest): ChatRequest =>
    this.validateRequests ? (validate(chatRequestSchema, request) as ChatRequest) : request;

  private readonly parseEmbed = (request: EmbedInput): EmbedRequest => {
    if (this.validateRequests) return validate(embedRequestSchema, request) as EmbedRequest;
    return {
      ...request,
      input: typeof request.input === 'string' ? [request.input] : request.input,
    };
  };

  async models(options: { signal?: AbortSignal } = {}): Promise<ModelCatalog> {
    if (this.lifecycle.state !== 'running') await this.ready();
    return listModels(this.components.providers, this.runtime.resolver.list(), options.signal);
  }

  aliases() {
    return this.runtime.resolver.list();
  }

  health(): ProviderHealth[] {
    return [...this.components.providers.keys()].map((providerId) => {
      const report = this.health_.report(providerId);
      return report ? { providerId, report } : { providerId };
    });
  }

  stats(): KernelStats {
    const { hits, misses, shared } = this.features;
    return this.stats_.snapshot(this.runtime.inFlight.size, { hits, misses, shared });
  }

  getProviderStats(): ProviderStats {
    const stats = this.runtime.router.stats?.();
    if (stats) {
      const counters = this.stats_.snapshot(0, { hits: 0, misses: 0, shared: 0 }).deployments;
      for (const report of stats.deployments) {
        const counted = counters[report.deployment.id];
        if (counted) report.tokens = { input: counted.inputTokens, output: counted.outputTokens };
      }
    }
    return (
      stats ?? {
        deployments: [],
        totals: { requests: 0, successRate: 1, inFlight: 0 },
      }
    );
  }

  async explain(
    request: ChatRequest,
    options: { operation?: 'chat' | 'stream' } = {},
  ): Promise<RouteExplanation> {
    if (this.lifecycle.state !== 'running') await this.ready();
    const valid = validate(chatRequestSchema, request) as ChatRequest;
    const context = new KernelRequestContext(
      'explain',
      options.operation ?? 'chat',
      valid,
      this.runtime.now(),
      [],
    );
    context.candidates = this.runtime.resolver.resolve(valid.model);
    const router = this.runtime.router;
    if (router.explain) return router.explain(context);
    return {
      model: valid.model,
      strategy: 'custom',
      candidates: context.candidates.map((deployment, index) => ({
        deployment,
        kept: true,
        rank: index + 1,
      })),
    };
  }

  alert(alert: Alert): void {
    this.alerts.dispatch(alert);
  }

  private scope(
    operation: 'chat' | 'stream' | 'embed',
    request: ChatRequest | EmbedRequest,
    options?: CallOptions,
  ) {
    return new RequestScope(this.runtime, operation, request, options, this.timeoutMs);
  }

  private async ready(): Promise<void> {
    const state = this.lifecycle.state;
    if (state === 'stopping' || state === 'stopped') throw new KernelStoppedError({ phase: state });
    await this.lifecycle.start();
  }
}
