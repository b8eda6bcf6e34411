import type { ModelCapabilities } from '../provider/v1/model-info.js';

/**
 * One way to serve a model alias: a provider plus the upstream model id, with the facts the
 * router uses to choose between deployments.
 */
export interface Deployment {
  /** `providerId/model`, unique within a kernel. */
  id: string;
  /** Id of the provider that serves it. */
  providerId: string;
  /** Upstream model id sent to the provider. */
  model: string;
  /** Relative share of traffic for weighted strategies; default 1. */
  weight?: number;
  /** Lower is preferred by the priority strategy; default 0. */
  priority?: number;
  /** Free-form labels (`local`, `gpu`, `cheap`) for routing rules. */
  tags?: readonly string[];
  /** Largest prompt plus output, in tokens, when known. */
  contextWindow?: number;
  /**
   * What the deployment can do. A capability set to `false` keeps requests that need it away;
   * an unknown one is allowed (most configurations do not list capabilities).
   */
  capabilities?: ModelCapabilities;
  /**
   * Price hint for the `cost` and `balanced` strategies, USD per million tokens (0 for local
   * runtimes). Only for ranking: `@loom/cost` does the accounting.
   */
  costPerMillionTokens?: { input: number; output: number };
}

/** A model alias and the deployments that can serve it, in preference order. */
export interface ModelAlias {
  /** The name callers use (`chat`, `embed-small`). */
  name: string;
  /** Deployments, in the order the default router tries them. */
  deployments: readonly Deployment[];
}
