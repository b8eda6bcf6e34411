import type { Deployment, KernelEvents, MetricAttributes, Operation } from '@loom/core';
import { ATTR } from './metric-names.js';

/** `gen_ai.operation.name` for a kernel operation. */
export function operationName(operation: Operation): string {
  return operation === 'embed' ? 'embeddings' : 'chat';
}

/** Operation, provider and model: the attributes every point about a deployment carries. */
export function deploymentAttributes(
  operation: Operation,
  deployment: Deployment,
): MetricAttributes {
  return {
    [ATTR.operation]: operationName(operation),
    [ATTR.provider]: deployment.providerId,
    [ATTR.requestModel]: deployment.model,
  };
}

/** What `AttributeCache.requestEnd` reads from a finished request. */
export type RequestEnd = Pick<
  KernelEvents['request:end'],
  'operation' | 'deployment' | 'outcome' | 'error'
>;

/** What an `AttributeSets` describes. */
export interface AttributeSetsOptions {
  operation: Operation;
  /** Absent for requests that reached no deployment. */
  deployment?: Deployment;
}

/**
 * The attribute sets of one operation on one provider and model, or of one operation when the
 * request reached no deployment. Every set is frozen and handed out again for equal attributes.
 */
export class AttributeSets {
  /** Operation, provider and model: durations, time to first chunk, tokens/s and cost. */
  readonly base: MetricAttributes;
  /** `base` with `gen_ai.token.type` = input. */
  readonly input: MetricAttributes;
  /** `base` with `gen_ai.token.type` = output. */
  readonly output: MetricAttributes;
  /** `base` with the outcome and error type of request ends, by outcome then error type. */
  readonly ends: Record<RequestEnd['outcome'], Map<string, MetricAttributes>> = {
    success: new Map(),
    error: new Map(),
  };

  /** What the sets were made for: absent when the request reached no deployment. */
  readonly providerId: string | undefined;
  readonly model: string | undefined;

  constructor(options: AttributeSetsOptions) {
    const { operation, deployment } = options;
    const base = deployment
      ? deploymentAttributes(operation, deployment)
      : { [ATTR.operation]: operationName(operation) };
    this.providerId = deployment?.providerId;
    this.model = deployment?.model;
    this.base = Object.freeze(base);
    this.input = Object.freeze({ ...base, [ATTR.tokenType]: 'input' });
    this.output = Object.freeze({ ...base, [ATTR.tokenType]: 'output' });
  }
}

/** Sets made per `AttributeSets` when it is created: base, input and output. */
const SETS_PER_GROUP = 3;

// Distinct sets are few (operation x deployment x outcome); past this many something unexpected
// varies, and the cache starts over rather than grow.
const MAX_SETS = 2_000;

/**
 * The LLM collector's attribute sets, reused across requests: the store and the Prometheus
 * exporter cache their work per attributes object, so one frozen object per distinct set lets
 * them find it done by identity.
 *
 * One key scheme: sets are grouped by operation, provider and model (`AttributeSets`), keyed
 * `operation\0providerId\0model`, or by the operation alone for requests that reached no
 * deployment. Deployment objects live as long as the config, so each one remembers its group and
 * later points find it without building a key.
 */
export class AttributeCache {
  private byKey = new Map<string, AttributeSets>();
  private byDeployment = newDeploymentIndex();
  private size = 0;

  /** The sets of `operation` on `deployment`. */
  forDeployment(operation: Operation, deployment: Deployment): AttributeSets {
    const sets = this.byDeployment[operation].get(deployment);
    // A deployment object changed in place must not keep the sets of what it was.
    if (sets?.providerId === deployment.providerId && sets.model === deployment.model) return sets;
    return this.remember(operation, deployment);
  }

  /** The set of a finished request: its deployment's attributes (if any), outcome, error type. */
  requestEnd(request: RequestEnd): MetricAttributes {
    const sets = request.deployment
      ? this.forDeployment(request.operation, request.deployment)
      : this.withoutDeployment(request.operation);
    const errorType = request.error?.code;
    return sets.ends[request.outcome].get(errorType ?? '') ?? this.addEnd(sets, request);
  }

  /** Forgets every set. */
  clear(): void {
    this.byKey = new Map();
    this.byDeployment = newDeploymentIndex();
    this.size = 0;
  }

  // Misses live apart from the lookups so that the hot path stays small enough to inline.
  private remember(operation: Operation, deployment: Deployment): AttributeSets {
    const key = `${operation}\u0000${deployment.providerId}\u0000${deployment.model}`;
    const sets = this.byKey.get(key) ?? this.addGroup(key, { operation, deployment });
    this.byDeployment[operation].set(deployment, sets);
    return sets;
  }

  private withoutDeployment(operation: Operation): AttributeSets {
    return this.byKey.get(operation) ?? this.addGroup(operation, { operation });
  }

  private addGroup(key: string, options: AttributeSetsOptions): AttributeSets {
    const sets = new AttributeSets(options);
    this.makeRoom(SETS_PER_GROUP);
    this.byKey.set(key, sets);
    return sets;
  }

  private addEnd(sets: AttributeSets, request: RequestEnd): MetricAttributes {
    const errorType = request.error?.code;
    const attributes: MetricAttributes = { ...sets.base, [ATTR.outcome]: request.outcome };
    if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
    const set = Object.freeze(attributes);
    // After a start-over `sets` is no longer reachable from the cache; it still serves this point.
    this.makeRoom(1);
    sets.ends[request.outcome].set(errorType ?? '', set);
    return set;
  }

  private makeRoom(count: number): void {
    if (this.size + count > MAX_SETS) this.clear();
    this.size += count;
  }
}

function newDeploymentIndex(): Record<Operation, WeakMap<Deployment, AttributeSets>> {
  return { chat: new WeakMap(), stream: new WeakMap(), embed: new WeakMap() };
}
