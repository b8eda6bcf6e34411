import {
  type Attributes,
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
import * as names from './gen-ai-names.js';

/** Where telemetry goes. Without providers, the global ones are used: no-ops until an SDK is installed. */
export interface TelemetryOptions {
  /** Tracer provider; default the global one. */
  tracerProvider?: TracerProvider;
  /** Meter provider; default the global one. */
  meterProvider?: MeterProvider;
}

/** What an attempt reports when it ends. */
export interface AttemptOutcome {
  usage?: Usage;
  responseModel?: string;
  responseId?: string;
  finishReason?: string;
}

/** One provider call's span and measurements. */
export interface AttemptTelemetry {
  /** A streamed attempt produced a chunk; the first one sets time to first chunk. */
  chunk(nowMs: number): void;
  end(outcome: AttemptOutcome): void;
  fail(error: LoomErrorLike): void;
}

/** Records OpenTelemetry GenAI spans and metrics for each provider attempt. */
export class GenAiTelemetry {
  private readonly tracer: Tracer;
  private readonly duration: Histogram;
  private readonly tokens: Histogram;
  private readonly firstChunk: Histogram;
  private readonly perChunk: Histogram;

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
  ) {
    const operationName = operation === 'embed' ? 'embeddings' : 'chat';
    const attributes: Attributes = {
      [names.ATTR_OPERATION_NAME]: operationName,
      [names.ATTR_PROVIDER_NAME]: provider.type,
      [names.ATTR_REQUEST_MODEL]: deployment.model,
    };
    if (provider.server) {
      attributes[names.ATTR_SERVER_ADDRESS] = provider.server.address;
      if (provider.server.port !== undefined)
        attributes[names.ATTR_SERVER_PORT] = provider.server.port;
    }
    const span = this.tracer.startSpan(`${operationName} ${deployment.model}`, {
      kind: SpanKind.CLIENT,
      attributes,
    });
    return new Attempt(this, span, attributes, startMs);
  }

  /** @internal */ recordDuration(seconds: number, attributes: Attributes) {
    this.duration.record(seconds, attributes);
  }
  /** @internal */ recordTokens(count: number, type: 'input' | 'output', attributes: Attributes) {
    this.tokens.record(count, { ...attributes, [names.ATTR_TOKEN_TYPE]: type });
  }
  /** @internal */ recordFirstChunk(seconds: number, attributes: Attributes) {
    this.firstChunk.record(seconds, attributes);
  }
  /** @internal */ recordPerChunk(seconds: number, attributes: Attributes) {
    this.perChunk.record(seconds, attributes);
  }
}

class Attempt implements AttemptTelemetry {
  private lastChunkMs?: number;

  constructor(
    private readonly telemetry: GenAiTelemetry,
    private readonly span: Span,
    private readonly attributes: Attributes,
    private readonly startMs: number,
  ) {}

  chunk(nowMs: number): void {
    if (this.lastChunkMs === undefined) {
      this.telemetry.recordFirstChunk((nowMs - this.startMs) / 1000, this.attributes);
    } else {
      this.telemetry.recordPerChunk((nowMs - this.lastChunkMs) / 1000, this.attributes);
    }
    this.lastChunkMs = nowMs;
  }

  end(outcome: AttemptOutcome): void {
    const attributes = outcome.responseModel
      ? { ...this.attributes, [names.ATTR_RESPONSE_MODEL]: outcome.responseModel }
      : this.attributes;
    this.telemetry.recordDuration((performance.now() - this.startMs) / 1000, attributes);
    const span = this.span;
    if (outcome.responseModel) span.setAttribute(names.ATTR_RESPONSE_MODEL, outcome.responseModel);
    if (outcome.responseId) span.setAttribute(names.ATTR_RESPONSE_ID, outcome.responseId);
    if (outcome.finishReason) span.setAttribute(names.ATTR_FINISH_REASONS, [outcome.finishReason]);
    const usage = outcome.usage;
    if (usage) {
      span.setAttribute(names.ATTR_USAGE_INPUT, usage.inputTokens);
      span.setAttribute(names.ATTR_USAGE_OUTPUT, usage.outputTokens);
      if (usage.cachedInputTokens !== undefined) {
        span.setAttribute(names.ATTR_USAGE_CACHE_READ, usage.cachedInputTokens);
      }
      this.telemetry.recordTokens(usage.inputTokens, 'input', attributes);
      this.telemetry.recordTokens(usage.outputTokens, 'output', attributes);
    }
    span.end();
  }

  fail(error: LoomErrorLike): void {
    const attributes = { ...this.attributes, [names.ATTR_ERROR_TYPE]: error.code };
    this.telemetry.recordDuration((performance.now() - this.startMs) / 1000, attributes);
    // The code, never the message: upstream messages can echo prompts or credentials.
    this.span.setAttribute(names.ATTR_ERROR_TYPE, error.code);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
    this.span.end();
  }
}
