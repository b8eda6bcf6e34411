import type { RequestMetadata } from '../chat/request-metadata.js';
import type { ProviderOptions } from '../shared/json.js';

/** An embeddings request in Loom's normalized shape. */
export interface EmbedRequest {
  /** Model alias, `providerId/modelId`, or, in a provider, the upstream model id. */
  model: string;
  /** Texts to embed, at least one. The kernel turns a single string into a one-element list. */
  input: string[];
  /** Output vector size, for models that can shorten their vectors. */
  dimensions?: number;
  /** Session, user and tags, for budgets and reports. */
  metadata?: RequestMetadata;
  /** Provider-specific options, keyed by provider type. */
  providerOptions?: ProviderOptions;
}
