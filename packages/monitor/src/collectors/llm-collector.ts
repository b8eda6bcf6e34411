import type {
  CollectorContext,
  KernelEvents,
  Metric,
  MetricAttributes,
  MetricCollectorV1,
} from '@loom/core';
import { AttributeCache, deploymentAttributes, operationName } from './attribute-cache.js';
import { instruments, point } from './llm-instruments.js';
import { ATTR } from './metric-names.js';
import { type Listeners, subscribe, type Unsubscribe } from './subscribe.js';

/** Options of `createLlmCollector`. */
export interface LlmCollectorOptions {
  /** Collector name; default `llm`. */
  name?: string;
}

/** A `MetricCollectorV1` that turns kernel request events into GenAI metrics. */
export type LlmCollector = MetricCollectorV1;

// Requests still running, to tell a fallback (another deployment served) from a retry.
const MAX_TRACKED = 10_000;

/** The metrics of each kernel event, and what they need to remember between events. */
class LlmMetrics {
  private readonly attributes = new AttributeCache();
  /** The deployment of each running request's first attempt, by request id. */
  private readonly firstDeployment = new Map<string, string>();

  constructor(private readonly emit: (metrics: Metric[]) => void) {}

  /** A listener per event this collector reads. */
  listeners(): Listeners {
    return {
      'attempt:start': (event) => this.attemptStart(event),
      'attempt:end': (event) => this.attemptEnd(event),
      'attempt:error': (event) => this.attemptError(event),
      'request:end': (event) => this.requestEnd(event),
      'circuit:open': (event) => this.circuitChange(event, 'open'),
      'circuit:half-open': (event) => this.circuitChange(event, 'half-open'),
      'circuit:close': (event) => this.circuitChange(event, 'closed'),
      'cache:lookup': (event) => this.cacheLookup(event),
      'cost:recorded': (event) => this.cost(event),
    };
  }

  /** Forgets running requests and cached attribute sets. */
  reset(): void {
    this.firstDeployment.clear();
    this.attributes.clear();
  }

  private attemptStart(event: KernelEvents['attempt:start']): void {
    if (event.attempt === 1 && this.firstDeployment.size < MAX_TRACKED) {
      this.firstDeployment.set(event.requestId, event.deployment.id);
    }
  }

  private attemptEnd(event: KernelEvents['attempt:end']): void {
    const sets = this.attributes.forDeployment(event.operation, event.deployment);
    const { timestamp, usage } = event;
    const metrics = [
      point(instruments.operationDuration, {
        value: event.durationMs / 1_000,
        attributes: sets.base,
        timestamp,
      }),
    ];
    if (event.timeToFirstChunkMs !== undefined) {
      const value = event.timeToFirstChunkMs / 1_000;
      metrics.push(
        point(instruments.timeToFirstChunk, { value, attributes: sets.base, timestamp }),
      );
    }
    if (usage) {
      metrics.push(
        point(instruments.tokenUsage, {
          value: usage.inputTokens,
          attributes: sets.input,
          timestamp,
        }),
        point(instruments.tokenUsage, {
          value: usage.outputTokens,
          attributes: sets.output,
          timestamp,
        }),
      );
      const generatingMs = event.durationMs - (event.timeToFirstChunkMs ?? 0);
      if (usage.outputTokens > 0 && generatingMs > 0) {
        const value = usage.outputTokens / (generatingMs / 1_000);
        metrics.push(
          point(instruments.outputTokensPerSecond, { value, attributes: sets.base, timestamp }),
        );
      }
    }
    this.emit(metrics);
  }

  private attemptError(event: KernelEvents['attempt:error']): void {
    const attributes = {
      ...deploymentAttributes(event.operation, event.deployment),
      [ATTR.errorType]: event.error.code,
    };
    const { timestamp } = event;
    this.emit([
      point(instruments.operationDuration, {
        value: event.durationMs / 1_000,
        attributes,
        timestamp,
      }),
      point(instruments.errors, { value: 1, attributes, timestamp }),
    ]);
  }

  private requestEnd(event: KernelEvents['request:end']): void {
    const first = this.firstDeployment.get(event.requestId);
    this.firstDeployment.delete(event.requestId);
    const attributes = this.attributes.requestEnd(event);
    const { timestamp } = event;
    const metrics = [point(instruments.requests, { value: 1, attributes, timestamp })];
    if (event.attempts > 1) {
      const value = event.attempts - 1;
      metrics.push(point(instruments.retries, { value, attributes, timestamp }));
    }
    if (event.deployment && first !== undefined && first !== event.deployment.id) {
      metrics.push(point(instruments.fallbacks, { value: 1, attributes, timestamp }));
    }
    this.emit(metrics);
  }

  private cacheLookup(event: KernelEvents['cache:lookup']): void {
    const attributes: MetricAttributes = event.deployment
      ? deploymentAttributes(event.operation, event.deployment)
      : { [ATTR.operation]: operationName(event.operation) };
    attributes[ATTR.requestModel] ??= event.model;
    const lookup = { ...attributes, [ATTR.cacheResult]: event.hit ? 'hit' : 'miss' };
    const { timestamp } = event;
    const metrics = [point(instruments.cacheLookups, { value: 1, attributes: lookup, timestamp })];
    // A miss goes on to a provider and is counted at `request:end`; a hit ends here.
    if (event.hit) {
      const request = { ...lookup, [ATTR.outcome]: 'success' };
      metrics.push(point(instruments.requests, { value: 1, attributes: request, timestamp }));
    }
    this.emit(metrics);
  }

  private cost(event: KernelEvents['cost:recorded']): void {
    const attributes = this.attributes.forDeployment(event.operation, event.deployment).base;
    const { timestamp } = event;
    this.emit([
      event.unpriced
        ? point(instruments.unpricedAttempts, { value: 1, attributes, timestamp })
        : point(instruments.cost, { value: event.costMicros / 1e6, attributes, timestamp }),
    ]);
  }

  private circuitChange(event: KernelEvents['circuit:open'], state: string): void {
    const attributes = {
      [ATTR.provider]: event.deployment.providerId,
      [ATTR.requestModel]: event.deployment.model,
      [ATTR.circuitState]: state,
    };
    const { timestamp } = event;
    this.emit([point(instruments.circuitChanges, { value: 1, attributes, timestamp })]);
  }
}

/**
 * Request rate, latency, time to first chunk, tokens and tokens/s, errors by class, retries,
 * fallbacks and circuit changes, per provider and model, from the kernel's events.
 */
export function createLlmCollector(options: LlmCollectorOptions = {}): LlmCollector {
  let context: CollectorContext | undefined;
  let unsubscribe: Unsubscribe | undefined;
  const metrics = new LlmMetrics((points) => context?.emit(points));
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'llm',
    start(collectorContext) {
      context = collectorContext;
      unsubscribe = subscribe(collectorContext.events, metrics.listeners());
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      context = undefined;
      metrics.reset();
    },
  };
}
