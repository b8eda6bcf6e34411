import type { Deployment, MetricAttributes, Operation } from '@loom/core';

/** What one deployment object's sets were made for, and the sets by operation and variant. */
interface Entry {
  providerId: string;
  model: string;
  sets: Map<Operation, Map<string, MetricAttributes>>;
}

// Variants of one deployment and operation are few (token types, outcomes, error codes); past
// this many something unexpected varies, and its map starts over rather than grow.
const MAX_VARIANTS = 256;

/**
 * The attribute sets already handed out for a deployment, found by the deployment object itself.
 * The collector used to build a string key (`operation\0provider\0model\0...`) for every point to
 * find its `SharedAttributes` set: 4 to 6 strings per request. Deployment objects live as long as
 * the config (the model resolver keeps them), so the first lookup per deployment, operation and
 * variant does that, and later ones are map lookups that allocate nothing. An entry remembers
 * provider and model, so a deployment object changed in place never gets another's sets.
 */
export class DeploymentAttributes {
  private entries = new WeakMap<Deployment, Entry>();

  /** The set remembered for `deployment`, `operation` and `variant`, if any. */
  find(
    operation: Operation,
    deployment: Deployment,
    variant: string,
  ): MetricAttributes | undefined {
    const entry = this.entries.get(deployment);
    if (entry?.providerId !== deployment.providerId || entry.model !== deployment.model) {
      return undefined;
    }
    return entry.sets.get(operation)?.get(variant);
  }

  /** Remembers `set` for `deployment`, `operation` and `variant`; returns it. */
  remember(
    operation: Operation,
    deployment: Deployment,
    variant: string,
    set: MetricAttributes,
  ): MetricAttributes {
    let entry = this.entries.get(deployment);
    if (entry?.providerId !== deployment.providerId || entry.model !== deployment.model) {
      entry = { providerId: deployment.providerId, model: deployment.model, sets: new Map() };
      this.entries.set(deployment, entry);
    }
    let variants = entry.sets.get(operation);
    if (variants === undefined) {
      variants = new Map();
      entry.sets.set(operation, variants);
    }
    if (variants.size >= MAX_VARIANTS) variants.clear();
    variants.set(variant, set);
    return set;
  }

  clear(): void {
    this.entries = new WeakMap();
  }
}
