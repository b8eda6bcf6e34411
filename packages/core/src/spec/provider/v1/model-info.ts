/** What a model can do. Absent means unknown, which the router treats as "no". */
export interface ModelCapabilities {
  /** Chat completions. */
  chat?: boolean;
  /** Streamed chat completions. */
  streaming?: boolean;
  /** Tool (function) calling. */
  tools?: boolean;
  /** Image inputs. */
  vision?: boolean;
  /** `json_schema` structured output. */
  jsonSchema?: boolean;
  /** Embeddings. */
  embeddings?: boolean;
  /** Hidden reasoning tokens. */
  reasoning?: boolean;
}

/** A model a provider can serve. */
export interface ModelInfo {
  /** Upstream model id, as sent in requests. */
  id: string;
  /** Largest prompt plus output, in tokens, when known. */
  contextWindow?: number;
  /** Largest output, in tokens, when known. */
  maxOutputTokens?: number;
  /** What the model can do. */
  capabilities: ModelCapabilities;
  /** Owner reported by the upstream (`owned_by`), when any. */
  ownedBy?: string;
  /** For local runtimes: whether the model is loaded in memory now. */
  loaded?: boolean;
}
