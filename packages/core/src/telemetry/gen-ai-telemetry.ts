import {
  createNoopMeter,
  type Histogram,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { Operation } from '../spec/plugin/v1/kernel-events.js';
import type { LoomErrorLike } from '../spec/plugin/v1/loom-error-like.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { Usage } from '../spec/shared/usage.js';
import { VERSION } from '../version.js';
import { DeploymentAttributes } from './attribute-sets.js';
import * as names from './gen-ai-names.js';

/** Where telemetry goes. Without providers, the global ones are used: no-ops until an SDK is installed. */
export interface TelemetryOptions {
  /** Tracer provider; default the global one. */
  tracerProvider?: TracerProvider;
  /** Meter provider; default the global one. */
  meterProvider?: MeterProvider;
}

// Identities of the API's no-op implementations, to tell "no SDK installed" apart cheaply.
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
const NOOP_HISTOGRAM_PROTOTYPE = Object.getPrototypeOf(
  createNoopMeter().createHistogram('loom.probe'),
);

/**
 * Records OpenTelemetry GenAI spans and metrics for each provider attempt. Without an SDK it does
 * no work per attempt at all: no spans, no attribute lookups, no clock reads.
 */
export class GenAiTelemetry {
  private readonly tracer: Tracer;
  private readonly tracerProvider: TracerProvider;
  /** @internal */ readonly metricsOn: boolean;
  /** @internal */ readonly duration: Histogram;
  /** @internal */ readonly tokens: Histogram;
  /** @internal */ readonly firstChunk: Histogram;
  /** @internal */ readonly perChunk: Histogram;
  private readonly attributeSets = {
    chat: new WeakMap<Deployment, DeploymentAttributes>(),
    embeddings: new WeakMap<Deployment, DeploymentAttributes>(),
  };

  constructor(options: TelemetryOptions = {}) {
    const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
    const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
    this.tracerProvider = tracerProvider;
    this.tracer = tracerProvider.getTracer('@loom/core', VERSION);
    const meter = meterProvider.getMeter('@loom/core', VERSION);
    const seconds = { unit: 's', advice: { explicitBucketBoundaries: names.DURATION_BUCKETS } };
    this.duration = meter.createHistogram(names.METRIC_OPERATION_DURATION, {
      description: 'GenAI operation duration.',
      ...seconds,
    });
    this.tokens = meter.createHistogram(names.METRIC_TOKEN_USAGE, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: names.TOKEN_BUCKETS },
    });
    this.firstChunk = meter.createHistogram(names.METRIC_TIME_TO_FIRST_CHUNK, {
      description: 'Time to receive the first chunk of a streamed response.',
      ...seconds,
    });
    this.perChunk = meter.createHistogram(names.METRIC_TIME_PER_OUTPUT_CHUNK, {
      description: 'Time between consecutive chunks of a streamed response.',
      ...seconds,
    });
    // A meter made before any SDK was registered stays a no-op for good; a tracer does not (the
    // global proxy picks up an SDK registered later), so tracing is checked per attempt.
    this.metricsOn = Object.getPrototypeOf(this.duration) !== NOOP_HISTOGRAM_PROTOTYPE;
  }

  private tracingOn(): boolean {
    const provider = this.tracerProvider;
    return (
      !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_TRACER_PROVIDER
    );
  }

  startAttempt(
    operation: Operation,
    deployment: Deployment,
    provider: ProviderV1,
    startMs: number,
  ): AttemptTelemetry | undefined {
    const tracing = this.tracingOn();
    if (!tracing && !this.metricsOn) return undefined;
    const operationName = operation === 'embed' ? 'embeddings' : 'chat';
    const sets = this.attributeSets[operationName];
    let attributes = sets.get(deployment);
    if (!attributes) {
      attributes = new DeploymentAttributes(operationName, deployment, provider);
      sets.set(deployment, attributes);
    }
    const span = tracing
      ? this.tracer.startSpan(attributes.spanName, {
          kind: SpanKind.CLIENT,
          attributes: attributes.base,
        })
      : undefined;
    return new AttemptTelemetry(this, span, attributes, startMs);
  }
}

/** One provider call's span and measurements. */
export class AttemptTelemetry {
  private lastChunkMs?: number;

  constructor(
    private readonly telemetry: GenAiTelemetry,
    private readonly span: Span | undefined,
    private readonly attributes: DeploymentAttributes,
    private readonly startMs: number,
  ) {}

  /** A streamed attempt produced a chunk; the first one sets time to first chunk. */
  chunk(nowMs: number): void {
    if (!this.telemetry.metricsOn) return;
    if (this.lastChunkMs === undefined) {
      this.telemetry.firstChunk.record((nowMs - this.startMs) / 1000, this.attributes.base);
    } else {
      this.telemetry.perChunk.record((nowMs - this.lastChunkMs) / 1000, this.attributes.base);
    }
    this.lastChunkMs = nowMs;
  }

  end(
    usage: Usage | undefined,
    model: string | undefined,
    responseId: string | undefined,
    finishReason: string | undefined,
  ): void {
    if (this.telemetry.metricsOn) {
      const attributes = this.attributes.end(model);
      this.telemetry.duration.record((performance.now() - this.startMs) / 1000, attributes.all);
      if (usage) {
        this.telemetry.tokens.record(usage.inputTokens, attributes.input);
        this.telemetry.tokens.record(usage.outputTokens, attributes.output);
      }
    }
    const span = this.span;
    if (!span) return;
    // A sampled-out span records nothing: skip building its attributes.
    if (span.isRecording()) {
      if (model) span.setAttribute(names.ATTR_RESPONSE_MODEL, model);
      if (responseId) span.setAttribute(names.ATTR_RESPONSE_ID, responseId);
      if (finishReason) span.setAttribute(names.ATTR_FINISH_REASONS, [finishReason]);
      if (usage) {
        span.setAttribute(names.ATTR_USAGE_INPUT, usage.inputTokens);
        span.setAttribute(names.ATTR_USAGE_OUTPUT, usage.outputTokens);
        if (usage.cachedInputTokens !== undefined) {
          span.setAttribute(names.ATTR_USAGE_CACHE_READ, usage.cachedInputTokens);
        }
      }
    }
    span.end();
  }

  fail(error: LoomErrorLike): void {
    if (this.telemetry.metricsOn) {
      const attributes = this.attributes.error(error.code);
      this.telemetry.duration.record((performance.now() - this.startMs) / 1000, attributes);
    }
    const span = this.span;
    if (!span) return;
    // The code, never the message: upstream messages can echo prompts or credentials.
    span.setAttribute(names.ATTR_ERROR_TYPE, error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
    span.end();
  }
}
