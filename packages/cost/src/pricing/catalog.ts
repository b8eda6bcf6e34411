import { type ModelPrice as CatalogPrice, calcPrice, findProvider } from '@pydantic/genai-prices';
import { type Micros, usdToMicros } from '../money/micros.js';
import type { ModelPrice, PriceTier } from './model-price.js';

/** A model's price as the catalog knows it. */
export interface CatalogEntry {
  /** Catalog id of the model that matched (dated ids and aliases map to it). */
  catalogModel: string;
  /** Catalog id of the provider that matched. */
  catalogProvider: string;
  /** The price, in micro-dollars per million tokens. */
  price: ModelPrice;
}

/** Looks up model prices; the default reads `@pydantic/genai-prices`' bundled data. */
export interface PriceCatalog {
  /** The price of `model` at `provider` (a catalog provider id such as `openai`), or undefined. */
  lookup(provider: string | undefined, model: string, at?: Date): CatalogEntry | undefined;
}

type CatalogValue = CatalogPrice[string];

function base(value: CatalogValue): Micros | undefined {
  if (value === undefined) return undefined;
  return usdToMicros(typeof value === 'number' ? value : value.base);
}

function tierStarts(values: readonly CatalogValue[]): number[] {
  const starts = new Set<number>();
  for (const value of values) {
    if (typeof value === 'object') for (const tier of value.tiers) starts.add(tier.start);
  }
  return [...starts].sort((a, b) => a - b);
}

function priceAt(value: CatalogValue, start: number): Micros | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return usdToMicros(value);
  let chosen = value.base;
  for (const tier of value.tiers) if (tier.start <= start) chosen = tier.price;
  return usdToMicros(chosen);
}

/** Converts the catalog's dollars-per-million record into micro-dollars, tiers included. */
export function fromCatalogPrice(source: CatalogPrice): ModelPrice {
  const price: ModelPrice = {
    input: base(source.input_mtok) ?? 0,
    output: base(source.output_mtok) ?? 0,
  };
  const cachedInput = base(source.cache_read_mtok);
  const cacheWrite = base(source.cache_write_mtok);
  if (cachedInput !== undefined) price.cachedInput = cachedInput;
  if (cacheWrite !== undefined) price.cacheWrite = cacheWrite;
  const starts = tierStarts([source.input_mtok, source.output_mtok, source.cache_read_mtok]);
  if (starts.length > 0) {
    price.tiers = starts.map((start): PriceTier => {
      // The catalog's `start` is the first token count of the tier; ours is "more than".
      const tier: PriceTier = {
        aboveInputTokens: start - 1,
        input: priceAt(source.input_mtok, start) ?? price.input,
        output: priceAt(source.output_mtok, start) ?? price.output,
      };
      const cached = priceAt(source.cache_read_mtok, start);
      if (cached !== undefined) tier.cachedInput = cached;
      return tier;
    });
  }
  return price;
}

/** The catalog backed by `@pydantic/genai-prices` (matches dated ids and aliases by its rules). */
export function createGenAiPricesCatalog(): PriceCatalog {
  return {
    lookup(provider, model, at) {
      const known = provider !== undefined && findProvider({ providerId: provider }) !== undefined;
      const options = {
        ...(known ? { providerId: provider } : {}),
        ...(at ? { timestamp: at } : {}),
      };
      const result = calcPrice({}, model, options);
      if (!result) return undefined;
      return {
        catalogModel: result.model.id,
        catalogProvider: result.provider.id,
        price: fromCatalogPrice(result.model_price),
      };
    },
  };
}
