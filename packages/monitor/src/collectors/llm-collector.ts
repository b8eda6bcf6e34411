import type {
  CollectorContext,
  Deployment,
  KernelEvents,
  Metric,
  MetricAttributes,
  MetricCollectorV1,
  Operation,
} from '@loom/core';
import { DeploymentAttributes } from './deployment-attributes.js';
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

/** The `SharedAttributes` key of a request end's set. */
function requestKey(event: KernelEvents['request:end']): string {
  const key = `r:${event.outcome}\u0000${event.error?.code ?? ''}`;
  return event.deployment
    ? deploymentKey(event.operation, event.deployment, key)
    : `${event.operation}\u0000\u0000\u0000${key}`;
}

/** The attributes of a request end: its deployment's (if any), outcome and error type. */
function buildRequestAttributes(event: KernelEvents['request:end']): MetricAttributes {
  const attributes: MetricAttributes = event.deployment
    ? {
        ...deploymentAttributes(event.operation, event.deployment),
        [names.ATTR.outcome]: event.outcome,
      }
    : {
        [names.ATTR.operation]: operationName(event.operation),
        [names.ATTR.outcome]: event.outcome,
      };
  const errorType = event.error?.code;
  if (errorType !== undefined) attributes[names.ATTR.errorType] = errorType;
  return attributes;
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
  // Attempt and request points reuse one attributes object per distinct set (see SharedAttributes),
  // found by deployment object first (see DeploymentAttributes). Variants: '' for attempts,
  // 't:<type>' for tokens, the outcome (plus '\0' and the error type) for request ends. The
  // first sight of a set goes through a `new*` function: its closures capture their arguments,
  // which would cost every call a context object if they lived in the lookup itself.
  const shared = new SharedAttributes();
  const byDeployment = new DeploymentAttributes();
  const newAttemptSet = (operation: Operation, deployment: Deployment) =>
    byDeployment.remember(
      operation,
      deployment,
      '',
      shared.get(deploymentKey(operation, deployment), () =>
        deploymentAttributes(operation, deployment),
      ),
    );
  const newTokenSet = (operation: Operation, deployment: Deployment, variant: string) =>
    byDeployment.remember(
      operation,
      deployment,
      variant,
      shared.get(deploymentKey(operation, deployment, variant), () => ({
        ...deploymentAttributes(operation, deployment),
        [names.ATTR.tokenType]: variant.slice(2),
      })),
    );
  const newRequestSet = (event: KernelEvents['request:end'], variant: string | undefined) => {
    const set = shared.get(requestKey(event), () => buildRequestAttributes(event));
    if (!event.deployment || variant === undefined) return set;
    return byDeployment.remember(event.operation, event.deployment, variant, set);
  };
  const attemptAttributes = (operation: Operation, deployment: Deployment) =>
    byDeployment.find(operation, deployment, '') ?? newAttemptSet(operation, deployment);
  const tokenAttributes = (operation: Operation, deployment: Deployment, variant: string) =>
    byDeployment.find(operation, deployment, variant) ??
    newTokenSet(operation, deployment, variant);
  const requestAttributes = (event: KernelEvents['request:end']): MetricAttributes => {
    if (!event.deployment) return newRequestSet(event, undefined);
    const errorType = event.error?.code;
    // The outcome alone (a constant string) when there is no error: nothing to concatenate.
    const variant = errorType === undefined ? event.outcome : `${event.outcome}\u0000${errorType}`;
    return (
      byDeployment.find(event.operation, event.deployment, variant) ?? newRequestSet(event, variant)
    );
  };
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
      // Two pushes rather than a loop over [type, count] pairs: those were 3 arrays per attempt.
      metrics.push(
        metric(
          names.TOKEN_USAGE,
          'histogram',
          usage.inputTokens,
          '{token}',
          tokenAttributes(event.operation, event.deployment, 't:input'),
          at,
        ),
        metric(
          names.TOKEN_USAGE,
          'histogram',
          usage.outputTokens,
          '{token}',
          tokenAttributes(event.operation, event.deployment, 't:output'),
          at,
        ),
      );
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
    const attributes = requestAttributes(event);
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
      byDeployment.clear();
    },
  };
}
