import { basename } from 'node:path';
import { ConfigError, createRouter, type Kernel, type LoomPluginV1, type Router } from '@loom/core';
import {
  type BudgetConfig,
  type BudgetCounterStore,
  type CostPlugin,
  costPlugin,
  type LedgerStore,
  type PriceCatalog,
  type PricingOptions,
  type ProviderPricing,
} from '@loom/cost';
import { type BuildOptions, buildKernel, routingOptions } from '../config/build-kernel.js';
import { ConfigFileError } from '../config/config-error.js';
import type { LoomConfig } from '../config/config-schema.js';
import { type MonitorState, monitorGeneration } from './monitor-generation.js';
import { unclosable } from './open-ledger.js';
import type { RedisState } from './redis-state.js';

/** State that outlives reloads: every generation's plugins write into the same stores. */
export interface SharedState {
  ledger: LedgerStore;
  budgetCounters: BudgetCounterStore;
  catalog: PriceCatalog;
  /** Absent when the monitor is off. */
  monitor?: MonitorState;
  /** When cost rows are stored: before a request completes, or batched. */
  ledgerWrites: 'batched' | 'request';
  /** With `storage.redis`: counters, rate limits and the response cache shared by every gateway. */
  redis?: RedisState;
}

/** One kernel built from one config, with its plugins. */
export interface Generation {
  config: LoomConfig;
  kernel: Kernel;
  cost: CostPlugin;
  /** The kernel's router; the next generation reuses it when `routing` did not change. */
  router: Router;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `pricing` from config, with each provider's `costPerHourUsd` folded in. */
export function pricingOf(config: LoomConfig): PricingOptions {
  const providers: Record<string, ProviderPricing> = { ...config.pricing?.providers };
  for (const provider of config.providers) {
    if (provider.costPerHourUsd === undefined) continue;
    providers[provider.id] = { ...providers[provider.id], costPerHourUsd: provider.costPerHourUsd };
  }
  const { defaultMaxTokens: _max, unpricedModels: _unpriced, ...pricing } = config.pricing ?? {};
  return { ...pricing, providers };
}

/** Turns a plugin's `ConfigError` (`budgets.0.limitUsd`) into a config-file error. */
function asFileError(error: unknown, file: string): unknown {
  if (!ConfigError.isInstance(error)) return error;
  return new ConfigFileError(file, [{ path: error.path, message: error.detail }]);
}

/**
 * Builds (does not start) a kernel with the config's plugins, the cost plugin and, unless
 * `monitor.enabled` is false, the metric pipeline, all writing into `shared`. Throws
 * `ConfigFileError` naming `file`.
 */
export async function buildGeneration(
  config: LoomConfig,
  file: string,
  shared: SharedState,
  previous?: Generation,
  options: BuildOptions = {},
): Promise<Generation> {
  const name = basename(file);
  let cost: CostPlugin;
  try {
    cost = costPlugin({
      ledger: unclosable(shared.ledger),
      budgetStore: shared.budgetCounters,
      ledgerWrites: shared.ledgerWrites,
      catalog: shared.catalog,
      // The schema checked `scope` against the same pattern as BudgetScope.
      budgets: (config.budgets ?? []) as readonly BudgetConfig[],
      pricing: pricingOf(config),
      ...(config.pricing?.defaultMaxTokens
        ? { defaultMaxTokens: config.pricing.defaultMaxTokens }
        : {}),
      ...(config.pricing?.unpricedModels ? { unpricedModels: config.pricing.unpricedModels } : {}),
    });
  } catch (error) {
    throw asFileError(error, name);
  }
  const plugins: LoomPluginV1[] = [cost];
  if (shared.monitor) plugins.push(monitorGeneration(shared.monitor));
  const cacheStore = shared.redis?.cacheStore;
  const cache =
    cacheStore && config.cache !== undefined && config.cache !== false
      ? { cache: { ...config.cache, store: cacheStore } }
      : {};
  // A reload that leaves `routing` as it was keeps the router, and with it what it learned:
  // open breakers, cooldowns, latency estimates, the retry budget.
  const router =
    previous && sameJson(previous.config.routing, config.routing)
      ? previous.router
      : createRouter(routingOptions(config.routing));
  const kernel = await buildKernel(config, file, { plugins, router, ...cache }, options);
  return { config, kernel, cost, router };
}
