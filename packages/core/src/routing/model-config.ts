import type { ModelCapabilities } from '../spec/provider/v1/model-info.js';

/** A deployment written out in full. */
export interface DeploymentTarget {
  /** Provider id. */
  provider: string;
  /** Upstream model id. */
  model: string;
  /** Relative traffic share for weighted strategies. */
  weight?: number;
  /** Lower is preferred by the priority strategy. */
  priority?: number;
  /** Free-form labels. */
  tags?: string[];
  /** Largest prompt plus output, in tokens. */
  contextWindow?: number;
  /** What the deployment can do; `false` excludes requests that need it. */
  capabilities?: ModelCapabilities;
  /** Price hint for cost-aware strategies, USD per million tokens. */
  costPerMillionTokens?: { input: number; output: number };
}

/**
 * A model alias: the name callers use and where it may be served, in preference order. A
 * target is `providerId/modelId` (the model id may itself contain slashes) or a full object.
 */
export interface ModelAliasConfig {
  /** Alias callers send as `model`. */
  name: string;
  /** Deployments, tried in this order by the default router. */
  targets: ReadonlyArray<string | DeploymentTarget>;
}
