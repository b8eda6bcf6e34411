import { definePlugin, type LoomPluginV1, type PluginApi } from '@loom/core';
import type { BudgetStatus } from '../budgets/budget-status.js';
import type { BatchedLedger } from '../ledger/batched-ledger.js';
import type { PriceBook } from '../pricing/price-book.js';
import { type CostReport, type CostReportQuery, costReport } from '../report/cost-report.js';
import { type CostSummary, costSummary } from '../report/cost-summary.js';
import type { CostPluginOptions } from './cost-plugin-options.js';
import { CostSession } from './cost-session.js';
import { costSettings } from './cost-settings.js';

/** The cost plugin, with its ledger and reports. */
export interface CostPlugin extends LoomPluginV1 {
  /** Prices per provider and model. */
  readonly priceBook: PriceBook;
  /** The batched ledger writer; undefined until the kernel started the plugin. */
  readonly ledger: BatchedLedger | undefined;
  /** Flushes pending records and reports on a time range. */
  report(query?: CostReportQuery): Promise<CostReport>;
  /** Spent, reserved and remaining per budget counter in its current window. */
  budgetStatus(): Promise<BudgetStatus[]>;
  /** Total, daily, tokens, by provider and model, and budgets for a time range. */
  getCostSummary(range?: { from?: number; to?: number }): Promise<CostSummary>;
}

/**
 * Cost tracking, budgets and ledgers as a kernel plugin. Every attempt that consumed tokens
 * becomes a `CostRecord` (failed but billed attempts too); budgets admit requests by reserving
 * their worst case and reconcile once when the request ends.
 */
export function costPlugin(options: CostPluginOptions = {}): CostPlugin {
  const settings = costSettings(options);
  let session: CostSession | undefined;
  const budgetStatus = (): Promise<BudgetStatus[]> =>
    session ? session.budgetStatus() : Promise.resolve([]);
  const flush = async () => {
    await session?.writer.flush();
  };
  const plugin = definePlugin({
    name: '@loom/cost',
    version: '0.1.0',
    coreVersion: '^0.1.0',
    setup: (api: PluginApi) => {
      session = new CostSession(settings, api);
    },
    teardown: async () => session?.stop(),
  });
  // Object.assign would copy the getter's value once (undefined before setup): define it instead.
  Object.defineProperty(plugin, 'ledger', { get: () => session?.writer.queue, enumerable: true });
  return Object.assign(plugin as typeof plugin & { readonly ledger: BatchedLedger | undefined }, {
    priceBook: settings.priceBook,
    budgetStatus,
    report: async (query?: CostReportQuery) => {
      await flush();
      return costReport(settings.store, query);
    },
    getCostSummary: async (range?: { from?: number; to?: number }) => {
      await flush();
      return costSummary((query) => costReport(settings.store, query), budgetStatus, range);
    },
  });
}
