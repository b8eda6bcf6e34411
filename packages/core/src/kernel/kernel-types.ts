import type { Cancellation } from '../cancel/cancellation.js';
import type { ModelAliasConfig } from '../routing/model-config.js';
import type { Router } from '../routing/router.js';
import type { ProviderStats, RouteExplanation } from '../routing/router-reports.js';
import type { RoutingOptions } from '../routing/routing-options.js';
import type { Alert } from '../spec/alert-sink/v1/alert.js';
import type { AlertSinkV1 } from '../spec/alert-sink/v1/alert-sink-v1.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { ChatResponse } from '../spec/chat/chat-response.js';
import type { ChatStreamPart } from '../spec/chat/chat-stream-part.js';
import type { MetricCollectorV1 } from '../spec/collector/v1/metric-collector-v1.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { EmbedResponse } from '../spec/embed/embed-response.js';
import type { KernelEventSource } from '../spec/plugin/v1/kernel-events.js';
import type { LoomPluginV1 } from '../spec/plugin/v1/loom-plugin-v1.js';
import type { AttemptRecord } from '../spec/plugin/v1/request-hooks.js';
import type { HealthReport } from '../spec/provider/v1/health-report.js';
import type { ModelInfo } from '../spec/provider/v1/model-info.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment, ModelAlias } from '../spec/routing/deployment.js';
import type { TelemetryOptions } from '../telemetry/gen-ai-telemetry.js';
import type { CacheOptions, DegradedOptions } from './chat-features.js';
import type { EmbeddingBatchingOptions } from './embed-batcher.js';
import type { KernelStats } from './kernel-stats.js';

/** Options of `createKernel`. Everything is optional: a kernel with nothing configured works. */
export interface KernelOptions {
  /** Providers to register at once (plugins can add more). */
  providers?: readonly ProviderV1[];
  /** Kernel plugins, as if passed to `use()` in this order. */
  plugins?: readonly LoomPluginV1[];
  /** Metric collectors. */
  collectors?: readonly MetricCollectorV1[];
  /** Alert sinks. */
  alertSinks?: readonly AlertSinkV1[];
  /** Model aliases. */
  models?: readonly ModelAliasConfig[];
  /** Provider id that serves any model name that is not an alias or `providerId/model`. */
  defaultProvider?: string;
  /** Ranking, retries, backoff, circuit breakers and timeouts of the default router. */
  routing?: RoutingOptions & {
    /** Overall deadline of a request, ms (same as `timeoutMs`). */
    timeoutMs?: number;
    /** Time limit of one non-streamed attempt, ms; default none. */
    attemptTimeoutMs?: number;
    /** Time limit until a streamed attempt's first chunk, ms; default `attemptTimeoutMs`. */
    firstTokenTimeoutMs?: number;
    /** Longest silence between chunks of a stream, ms; default none. */
    idleTimeoutMs?: number;
    /**
     * When a stream fails after its first chunk, continue the answer on another deployment
     * (the text so far is sent as an assistant prefix); never while a tool call is in flight.
     * Default false: the failure is thrown to the consumer.
     */
    streamContinuation?: boolean;
  };
  /** A router of your own instead of the default one (`routing` then only sets timeouts). */
  router?: Router;
  /** Exact-match response cache for chat and streams; off by default. */
  cache?: CacheOptions | false;
  /** Identical concurrent chat requests share one upstream call; default false. */
  singleFlight?: boolean;
  /** Coalesce concurrent embedding calls to one deployment; off by default. */
  embeddingBatching?: EmbeddingBatchingOptions | false;
  /** What to answer when every deployment failed; default `{ mode: 'throw' }`. */
  degraded?: DegradedOptions;
  /** Validate requests with the exported zod schemas (default true). */
  validateRequests?: boolean;
  /** Overall deadline of a request in milliseconds, covering every attempt; default none. */
  timeoutMs?: number;
  /** Active health checks: interval (default 30 000 ms, 0 turns them off) and timeout (5 000 ms). */
  health?: { intervalMs?: number; timeoutMs?: number };
  /** How long `stop()` waits for in-flight requests before aborting them; default 10 000 ms. */
  drainTimeoutMs?: number;
  /** OpenTelemetry providers, or `false` to record nothing. */
  telemetry?: TelemetryOptions | false;
  /** Clock for timestamps, epoch milliseconds (tests inject one). */
  now?: () => number;
  /** Request id generator; default a random per-kernel prefix plus a counter (`3f9a1c2e-1b`). */
  generateId?: () => string;
}

/** Per-call options of `chat`, `stream` and `embed`. */
export interface CallOptions {
  /** Aborts the request and its upstream call. */
  signal?: AbortSignal;
  /**
   * The same as `signal` in Loom's own primitive, for callers that abort many requests and would
   * make an `AbortController` per request only for this (the gateway). Aborting it aborts the
   * request, its reason the `AbortedError`'s cause; aborting it after the request ended does
   * nothing.
   */
  cancellation?: Cancellation;
  /** Request id to use instead of a generated one (propagated from a gateway). */
  requestId?: string;
  /** Overall deadline for this request, overriding the kernel's. */
  timeoutMs?: number;
  /** `false` skips the response cache for this request (no lookup, no store). */
  cache?: boolean;
}

/** A stream whose first chunk has arrived: failover is over and it is committed to a deployment. */
export interface KernelStream extends AsyncIterable<ChatStreamPart> {
  /** Kernel request id. */
  readonly requestId: string;
  /** Deployment serving the stream. */
  readonly deployment: Deployment;
  /** Failed attempts before this one. */
  readonly attempts: readonly AttemptRecord[];
  /** Replayed from the response cache (or a degraded answer); absent on a live stream. */
  readonly cached?: boolean;
  /** Stops the stream and aborts the upstream call; iteration then ends. */
  cancel(reason?: unknown): void;
}

/** What a chat response carries besides the answer: where it was served. */
export interface KernelChatResponse extends ChatResponse {
  /** Routing facts of this request. */
  loom: {
    requestId: string;
    deployment: Deployment;
    attempts: number;
    /** Served from the response cache. */
    cached?: boolean;
    /** Shared with an identical request already under way (single-flight). */
    shared?: boolean;
    /** Every deployment failed and this is the configured degraded answer. */
    degraded?: boolean;
  };
}

/** An entry of `models()`. */
export type ModelEntry =
  | { kind: 'alias'; id: string; deployments: readonly Deployment[] }
  | { kind: 'deployment'; id: string; providerId: string; info: ModelInfo };

/** Result of `models()`: aliases, every provider's models, and providers that failed to list. */
export interface ModelCatalog {
  models: ModelEntry[];
  errors: Array<{ providerId: string; error: Error }>;
}

/** Last known health of a provider. */
export interface ProviderHealth {
  providerId: string;
  /** Last active check, if any ran. */
  report?: HealthReport;
}

/** Lifecycle of a kernel. */
export type KernelState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** The Loom kernel. */
export interface Kernel {
  /** Typed events of every step. */
  readonly events: KernelEventSource;
  /** Where the kernel is in its lifecycle. */
  readonly state: KernelState;
  /** Adds a kernel plugin; checked now, set up on `start()`. */
  use(plugin: LoomPluginV1): this;
  /** Sets up plugins, checks models, starts collectors and health checks. Idempotent. */
  start(): Promise<void>;
  /** Drains in-flight requests up to the drain deadline, then stops everything. Idempotent. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
  /** One chat completion, with failover. Starts the kernel if needed. */
  chat(request: ChatRequest, options?: CallOptions): Promise<KernelChatResponse>;
  /**
   * A streamed chat completion. Resolves once the first chunk has arrived (failures before that
   * fail over invisibly); later failures are thrown by the iterator.
   */
  stream(request: ChatRequest, options?: CallOptions): Promise<KernelStream>;
  /** Embeddings, with failover. */
  embed(
    request: Omit<EmbedRequest, 'input'> & { input: string | string[] },
    options?: CallOptions,
  ): Promise<EmbedResponse>;
  /** Aliases and every provider's models. */
  models(options?: { signal?: AbortSignal }): Promise<ModelCatalog>;
  /** Configured aliases (known once the kernel has started). */
  aliases(): ModelAlias[];
  /** Last known health of every provider. */
  health(): ProviderHealth[];
  /** Counters since start. */
  stats(): KernelStats;
  /**
   * The router's view of every deployment: requests, success rate, errors by class, last error,
   * latency and time-to-first-chunk percentiles, in-flight, circuit state, health and load.
   */
  getProviderStats(): ProviderStats;
  /** A dry run: the ranked candidates for `request` and why each was kept or dropped. */
  explain(
    request: ChatRequest,
    options?: { operation?: 'chat' | 'stream' },
  ): Promise<RouteExplanation>;
  /** Raises or resolves an alert: emitted and delivered to every sink off the request path. */
  alert(alert: Alert): void;
}
