import { ConfigError } from '@loom/core';
import { usdToMicros } from '../money/micros.js';
import { createGenAiPricesCatalog, type PriceCatalog } from './catalog.js';
import type { ModelPrice, PriceResolution } from './model-price.js';
import type { PriceOverride, PricingOptions, ProviderPricing } from './pricing-config.js';

/** What identifies a price: the provider (id and type) and the upstream model id. */
export interface PriceKey {
  /** Provider id (`openai-eu`), for config overrides. */
  providerId: string;
  /** Provider type (`openai`), the default catalog provider. */
  providerType?: string;
  /** Upstream model id, dated or not. */
  model: string;
}

/** Resolves prices per provider and model: config first, then the catalog, else `unpriced`. */
export interface PriceBook {
  /** The price of a model, cached per provider id and model. */
  resolve(key: PriceKey): PriceResolution;
}

function micros(usd: number | undefined, path: string): number | undefined {
  if (usd === undefined) return undefined;
  if (!Number.isFinite(usd) || usd < 0) {
    throw new ConfigError({ path, message: `expected a price >= 0 in USD, got ${usd}` });
  }
  return usdToMicros(usd);
}

function applyOverride(
  base: Partial<ModelPrice>,
  override: PriceOverride,
  path: string,
): Partial<ModelPrice> {
  const price: Partial<ModelPrice> = { ...base };
  const fields = [
    ['input', override.inputPerMillionUsd],
    ['output', override.outputPerMillionUsd],
    ['cachedInput', override.cachedInputPerMillionUsd],
    ['cacheWrite', override.cacheWritePerMillionUsd],
    ['reasoning', override.reasoningPerMillionUsd],
  ] as const;
  for (const [field, usd] of fields) {
    const value = micros(usd, `${path}.${field}PerMillionUsd`);
    if (value !== undefined) price[field] = value;
  }
  if (override.tiers) {
    price.tiers = override.tiers.map((tier, index) => ({
      aboveInputTokens: tier.aboveInputTokens,
      input: micros(tier.inputPerMillionUsd, `${path}.tiers.${index}`) ?? 0,
      output: micros(tier.outputPerMillionUsd, `${path}.tiers.${index}`) ?? 0,
      ...(tier.cachedInputPerMillionUsd === undefined
        ? {}
        : { cachedInput: micros(tier.cachedInputPerMillionUsd, `${path}.tiers.${index}`) ?? 0 }),
    }));
  }
  return price;
}

function complete(price: Partial<ModelPrice>): price is ModelPrice {
  return price.input !== undefined && price.output !== undefined;
}

/**
 * Creates a price book. Order: an explicit per-model override, then a local runtime (free, or
 * `costPerHourUsd`), then the catalog with the provider's `*` override on top. An unknown model
 * resolves to `unpriced`, never to $0.
 */
export function createPriceBook(
  options: PricingOptions = {},
  catalog: PriceCatalog = createGenAiPricesCatalog(),
): PriceBook {
  const localTypes = new Set(options.localProviderTypes ?? ['ollama', 'vllm']);
  const cache = new Map<string, PriceResolution>();

  const compute = (key: PriceKey): PriceResolution => {
    const config: ProviderPricing = options.providers?.[key.providerId] ?? {};
    const path = `pricing.providers.${key.providerId}`;
    const exact = config.models?.[key.model];
    const local = config.local ?? localTypes.has(key.providerType ?? '');
    if (exact && !local) {
      const price = applyOverride(
        lookup(key, config)?.price ?? {},
        exact,
        `${path}.models.${key.model}`,
      );
      if (complete(price)) return { status: 'priced', price, source: 'config' };
    }
    if (local) {
      const hourly = micros(config.costPerHourUsd, `${path}.costPerHourUsd`);
      return hourly === undefined
        ? { status: 'local' }
        : { status: 'local', costPerHourMicros: hourly };
    }
    const found = lookup(key, config);
    const wildcard = config.models?.['*'];
    const price = wildcard
      ? applyOverride(found?.price ?? {}, wildcard, `${path}.models.*`)
      : found?.price;
    if (price && complete(price)) {
      return found
        ? {
            status: 'priced',
            price,
            source: wildcard ? 'config' : 'catalog',
            catalogModel: found.catalogModel,
          }
        : { status: 'priced', price, source: 'config' };
    }
    return {
      status: 'unpriced',
      reason: `no price for model '${key.model}' of provider '${key.providerId}' in the catalog or in pricing.providers.${key.providerId}.models`,
    };
  };

  const lookup = (key: PriceKey, config: ProviderPricing) => {
    const model = config.aliases?.[key.model] ?? key.model;
    return catalog.lookup(config.catalogProvider ?? key.providerType, model);
  };

  return {
    resolve(key) {
      const id = `${key.providerId}\u0000${key.model}`;
      let resolution = cache.get(id);
      if (!resolution) {
        resolution = compute(key);
        cache.set(id, resolution);
      }
      return resolution;
    },
  };
}
