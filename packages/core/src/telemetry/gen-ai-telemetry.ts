import {
  type Histogram,
  type MeterProvider,
  metrics,
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

/** Records OpenTelemetry GenAI spans and metrics for each provider attempt. */
export class GenAiTelemetry {
  private readonly tracer: Tracer;
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
  }

  startAttempt(
    operation: Operation,
    deployment: Deployment,
    provider: ProviderV1,
    startMs: number,
  ): AttemptTelemetry {
    const operationName = operation === 'embed' ? 'embeddings' : 'chat';
    const sets = this.attributeSets[operationName];
    let attributes = sets.get(deployment);
    if (!attributes) {
      attributes = new DeploymentAttributes(operationName, deployment, provider);
      sets.set(deployment, attributes);
    }
    const span = this.tracer.startSpan(`${operationName} ${deployment.model}`, {
      kind: SpanKind.CLIENT,
      attributes: attributes.base,
    });
    return new AttemptTelemetry(this, span, attributes, startMs);
  }
}

/** One provider call's span and measurements. */
export class AttemptTelemetry {
  private lastChunkMs?: number;

  constructor(
    private readonly telemetry: GenAiTelemetry,
    private readonly span: Span,
    private readonly attributes: DeploymentAttributes,
    private readonly startMs: number,
  ) {}

  /** A streamed attempt produced a chunk; the first one sets time to first chunk. */
  chunk(nowMs: number): void {
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
    const attributes = this.attributes.end(model);
    this.telemetry.duration.record((performance.now() - this.startMs) / 1000, attributes.all);
    if (usage) {
      this.telemetry.tokens.record(usage.inputTokens, attributes.input);
      this.telemetry.tokens.record(usage.outputTokens, attributes.output);
    }
    const span = this.span;
    // Without an SDK the span records nothing: skip building its attributes.
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
    const attributes = this.attributes.error(error.code);
    this.telemetry.duration.record((performance.now() - this.startMs) / 1000, attributes);
    // The code, never the message: upstream messages can echo prompts or credentials.
    this.span.setAttribute(names.ATTR_ERROR_TYPE, error.code);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
    this.span.end();
  }
}
