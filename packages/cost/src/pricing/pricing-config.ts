/** A price written in config, in US dollars per million tokens. Missing fields keep the catalog's. */
export interface PriceOverride {
  /** Uncached input, USD per million tokens. */
  inputPerMillionUsd?: number;
  /** Output, USD per million tokens. */
  outputPerMillionUsd?: number;
  /** Cached input, USD per million tokens. */
  cachedInputPerMillionUsd?: number;
  /** Cache writes, USD per million tokens. */
  cacheWritePerMillionUsd?: number;
  /** Reasoning tokens, USD per million tokens. */
  reasoningPerMillionUsd?: number;
  /** Long-context tiers; replaces the catalog's. */
  tiers?: ReadonlyArray<{
    aboveInputTokens: number;
    inputPerMillionUsd: number;
    outputPerMillionUsd: number;
    cachedInputPerMillionUsd?: number;
  }>;
}

/** Pricing of one provider (keyed by provider id in `PricingOptions.providers`). */
export interface ProviderPricing {
  /** Catalog provider id to look models up under; default the provider's type. */
  catalogProvider?: string;
  /** A local runtime: free unless `costPerHourUsd` is set. Ollama and vLLM are local by default. */
  local?: boolean;
  /** Hourly cost of a local runtime, spread over what it served (see `LocalRuntimeMeter`). */
  costPerHourUsd?: number;
  /** Model id → catalog model id, for custom names of known models. */
  aliases?: Readonly<Record<string, string>>;
  /** Prices per model id; `*` applies to every model of the provider. */
  models?: Readonly<Record<string, PriceOverride>>;
}

/** Options of `createPriceBook`. */
export interface PricingOptions {
  /** Per provider id. */
  providers?: Readonly<Record<string, ProviderPricing>>;
  /** Provider types treated as local runtimes; default `ollama` and `vllm`. */
  localProviderTypes?: readonly string[];
  /** Cap of the elapsed time one request pays for on a priced local runtime; default 5 minutes. */
  localIdleCapMs?: number;
}
