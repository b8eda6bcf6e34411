import { ConfigError } from '@loom/core';
import { type Budget, parseBudgets } from '../budgets/budget-config.js';
import type { LedgerStore } from '../ledger/cost-record.js';
import { MemoryLedger } from '../ledger/memory-ledger.js';
import { createGenAiPricesCatalog } from '../pricing/catalog.js';
import { createPriceBook, type PriceBook } from '../pricing/price-book.js';
import type { CostPluginOptions } from './cost-plugin-options.js';

/** The options of `costPlugin` once checked: budgets parsed, prices resolved, the store chosen. */
export interface CostSettings {
  readonly options: CostPluginOptions;
  readonly budgets: readonly Budget[];
  /** Output tokens reserved for a request without `maxTokens`. */
  readonly defaultMaxTokens: number;
  readonly priceBook: PriceBook;
  readonly store: LedgerStore;
}

/** Checks the options when the plugin is made, so a mistake is a `ConfigError` before start. */
export function costSettings(options: CostPluginOptions): CostSettings {
  const budgets = parseBudgets(options.budgets ?? []);
  const defaultMaxTokens = options.defaultMaxTokens ?? 4096;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens <= 0) {
    throw new ConfigError({
      path: 'defaultMaxTokens',
      message: `expected a positive integer, got ${defaultMaxTokens}`,
    });
  }
  return {
    options,
    budgets,
    defaultMaxTokens,
    priceBook: createPriceBook(options.pricing, options.catalog ?? createGenAiPricesCatalog()),
    store: options.ledger ?? new MemoryLedger(),
  };
}
