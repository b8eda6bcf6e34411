import type { Usage } from '../shared/usage.js';

/** Embedding vectors, one per input, in input order. */
export interface EmbedResponse {
  /** Model that answered. */
  model: string;
  /** `embeddings[i]` is the vector of `input[i]`. */
  embeddings: number[][];
  /** Tokens used; `outputTokens` is 0 for embeddings. */
  usage: Usage;
}
