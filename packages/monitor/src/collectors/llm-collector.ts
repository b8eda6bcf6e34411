import type {
  CollectorContext,
  Deployment,
  KernelEvents,
  Metric,
  MetricAttributes,
  MetricCollectorV1,
  Operation,
} from '@loom/core';
import * as names from './metric-names.js';
import { SharedAttributes } from './shared-attributes.js';
import { subscribe, type Unsubscribe } from './subscribe.js';

/** Options of `createLlmCollector`. */
export interface LlmCollectorOptions {
  /** Collector name; default `llm`. */
  name?: string;
}

/** A `MetricCollectorV1` that turns kernel request events into GenAI metrics. */
export type LlmCollector = MetricCollectorV1;

/** `gen_ai.operation.name` for a kernel operation. */
function operationName(operation: Operation): string {
  return operation === 'embed' ? 'embeddings' : 'chat';
}

function deploymentAttributes(operation: Operation, deployment: Deployment): MetricAttributes {
  return {
    [names.ATTR.operation]: operationName(operation),
    [names.ATTR.provider]: deployment.providerId,
    [names.ATTR.requestModel]: deployment.model,
  };
}

/** A cache key for a deployment's attributes plus one more name and value. */
function deploymentKey(operation: Operation, deployment: Deployment, more = ''): string {
  return `${operation}\u0000${deployment.providerId}\u0000${deployment.model}\u0000${more}`;
}

// Requests still running, to tell a fallback (another deployment served) from a retry.
const MAX_TRACKED = 10_000;

/**
 * Request rate, latency, time to first chunk, tokens and tokens/s, errors by class, retries,
 * fallbacks and circuit changes, per provider and model, from the kernel's events.
 */
export function createLlmCollector(options: LlmCollectorOptions = {}): LlmCollector {
  let context: CollectorContext | undefined;
  let unsubscribe: Unsubscribe | undefined;
  const firstDeployment = new Map<string, string>();
  // Attempt and request points reuse one attributes object per distinct set (see SharedAttributes).
  const shared = new SharedAttributes();
  const attemptAttributes = (operation: Operation, deployment: Deployment) =>
    shared.get(deploymentKey(operation, deployment), () =>
      deploymentAttributes(operation, deployment),
    );
  const tokenAttributes = (operation: Operation, deployment: Deployment, type: string) =>
    shared.get(deploymentKey(operation, deployment, `t:${type}`), () => ({
      ...deploymentAttributes(operation, deployment),
      [names.ATTR.tokenType]: type,
    }));
  const emit = (metrics: Metric[]) => context?.emit(metrics);
  const metric = (
    name: string,
    kind: Metric['kind'],
    value: number,
    unit: string,
    attributes: MetricAttributes,
    timestamp: number,
  ): Metric => ({ name, kind, value, unit, attributes, timestamp });

  const onAttemptStart = (event: KernelEvents['attempt:start']) => {
    if (event.attempt === 1 && firstDeployment.size < MAX_TRACKED) {
      firstDeployment.set(event.requestId, event.deployment.id);
    }
  };
  const onAttemptEnd = (event: KernelEvents['attempt:end']) => {
    const attributes = attemptAttributes(event.operation, event.deployment);
    const at = event.timestamp;
    const metrics = [
      metric(names.OPERATION_DURATION, 'histogram', event.durationMs / 1_000, 's', attributes, at),
    ];
    if (event.timeToFirstChunkMs !== undefined) {
      metrics.push(
        metric(
          names.TIME_TO_FIRST_CHUNK,
          'histogram',
          event.timeToFirstChunkMs / 1_000,
          's',
          attributes,
          at,
        ),
      );
    }
    const usage = event.usage;
    if (usage) {
      for (const [type, count] of [
        ['input', usage.inputTokens],
        ['output', usage.outputTokens],
      ] as const) {
        metrics.push(
          metric(
            names.TOKEN_USAGE,
            'histogram',
            count,
            '{token}',
            tokenAttributes(event.operation, event.deployment, type),
            at,
          ),
        );
      }
      const generatingMs = event.durationMs - (event.timeToFirstChunkMs ?? 0);
      if (usage.outputTokens > 0 && generatingMs > 0) {
        metrics.push(
          metric(
            names.OUTPUT_TOKENS_PER_SECOND,
            'histogram',
            usage.outputTokens / (generatingMs / 1_000),
            '{token}/s',
            attributes,
            at,
          ),
        );
      }
    }
    emit(metrics);
  };
  const onAttemptError = (event: KernelEvents['attempt:error']) => {
    const attributes = {
      ...deploymentAttributes(event.operation, event.deployment),
      [names.ATTR.errorType]: event.error.code,
    };
    emit([
      metric(
        names.OPERATION_DURATION,
        'histogram',
        event.durationMs / 1_000,
        's',
        attributes,
        event.timestamp,
      ),
      metric(names.ERRORS, 'counter', 1, '{error}', attributes, event.timestamp),
    ]);
  };
  const onRequestEnd = (event: KernelEvents['request:end']) => {
    const first = firstDeployment.get(event.requestId);
    firstDeployment.delete(event.requestId);
    const deployment = event.deployment;
    const errorType = event.error?.code;
    const key = `r:${event.outcome}\u0000${errorType ?? ''}`;
    const build = (): MetricAttributes => {
      const attributes: MetricAttributes = deployment
        ? {
            ...deploymentAttributes(event.operation, deployment),
            [names.ATTR.outcome]: event.outcome,
          }
        : {
            [names.ATTR.operation]: operationName(event.operation),
            [names.ATTR.outcome]: event.outcome,
          };
      if (errorType !== undefined) attributes[names.ATTR.errorType] = errorType;
      return attributes;
    };
    const attributes = deployment
      ? shared.get(deploymentKey(event.operation, deployment, key), build)
      : shared.get(`${event.operation}\u0000\u0000\u0000${key}`, build);
    const metrics = [
      metric(names.REQUESTS, 'counter', 1, '{request}', attributes, event.timestamp),
    ];
    if (event.attempts > 1) {
      metrics.push(
        metric(
          names.RETRIES,
          'counter',
          event.attempts - 1,
          '{attempt}',
          attributes,
          event.timestamp,
        ),
      );
    }
    if (event.deployment && first !== undefined && first !== event.deployment.id) {
      metrics.push(metric(names.FALLBACKS, 'counter', 1, '{request}', attributes, event.timestamp));
    }
    emit(metrics);
  };
  const onCacheLookup = (event: KernelEvents['cache:lookup']) => {
    const result = event.hit ? 'hit' : 'miss';
    const attributes: MetricAttributes = event.deployment
      ? deploymentAttributes(event.operation, event.deployment)
      : { [names.ATTR.operation]: operationName(event.operation) };
    attributes[names.ATTR.requestModel] ??= event.model;
    const lookup = { ...attributes, [names.ATTR.cacheResult]: result };
    const metrics = [
      metric(names.CACHE_LOOKUPS, 'counter', 1, '{lookup}', lookup, event.timestamp),
    ];
    // A miss goes on to a provider and is counted at `request:end`; a hit ends here.
    if (event.hit) {
      const request = { ...lookup, [names.ATTR.outcome]: 'success' };
      metrics.push(metric(names.REQUESTS, 'counter', 1, '{request}', request, event.timestamp));
    }
    emit(metrics);
  };
  const onCost = (event: KernelEvents['cost:recorded']) => {
    const attributes = attemptAttributes(event.operation, event.deployment);
    emit([
      event.unpriced
        ? metric(names.UNPRICED_ATTEMPTS, 'counter', 1, '{attempt}', attributes, event.timestamp)
        : metric(names.COST, 'counter', event.costMicros / 1e6, 'USD', attributes, event.timestamp),
    ]);
  };
  const onCircuit = (state: string) => (event: KernelEvents['circuit:open']) => {
    const attributes = {
      [names.ATTR.provider]: event.deployment.providerId,
      [names.ATTR.requestModel]: event.deployment.model,
      [names.ATTR.circuitState]: state,
    };
    emit([metric(names.CIRCUIT_CHANGES, 'counter', 1, '{change}', attributes, event.timestamp)]);
  };

  return {
    specificationVersion: 'v1',
    name: options.name ?? 'llm',
    start(collectorContext) {
      context = collectorContext;
      unsubscribe = subscribe(collectorContext.events, {
        'attempt:start': onAttemptStart,
        'attempt:end': onAttemptEnd,
        'attempt:error': onAttemptError,
        'request:end': onRequestEnd,
        'circuit:open': onCircuit('open'),
        'circuit:half-open': onCircuit('half-open'),
        'circuit:close': onCircuit('closed'),
        'cache:lookup': onCacheLookup,
        'cost:recorded': onCost,
      });
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      context = undefined;
      firstDeployment.clear();
      shared.clear();
    },
  };
}
