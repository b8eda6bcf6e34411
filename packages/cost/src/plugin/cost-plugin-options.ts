import type { BudgetConfig } from '../budgets/budget-config.js';
import type { BudgetCounterStore } from '../budgets/budget-counter-store.js';
import type { BatchedLedgerOptions } from '../ledger/batched-ledger.js';
import type { LedgerStore } from '../ledger/cost-record.js';
import type { PriceCatalog } from '../pricing/catalog.js';
import type { PricingOptions } from '../pricing/pricing-config.js';

/** Options of `costPlugin`. Everything is optional: with none, costs go to an in-memory ledger. */
export interface CostPluginOptions {
  /** Price overrides, aliases and local runtimes, per provider id. */
  pricing?: PricingOptions;
  /** The price catalog; default `@pydantic/genai-prices`' bundled data. */
  catalog?: PriceCatalog;
  /** Budgets; none by default. */
  budgets?: readonly BudgetConfig[];
  /** Budget counters; default in this process's memory. */
  budgetStore?: BudgetCounterStore;
  /** Where cost records go; default a `MemoryLedger`. Closed on kernel stop. */
  ledger?: LedgerStore;
  /** Batching of ledger writes (flush interval, batch size, queue bound). */
  batching?: BatchedLedgerOptions;
  /**
   * When a request's records are stored: `batched` (default) off the request path, so a crash
   * loses at most one flush interval; `request` before the request completes (its answer or the
   * end of its stream), so a crash never loses the row of a request a client saw finish.
   * Concurrent requests share one write (group commit).
   */
  ledgerWrites?: 'batched' | 'request';
  /**
   * With `ledgerWrites: 'request'`, the longest a request waits for its rows to be stored, ms;
   * default 2 000. Past it the request completes and its rows stay queued for the next flush.
   */
  ledgerWaitMs?: number;
  /** Output tokens reserved for a request without `maxTokens`; default 4096. */
  defaultMaxTokens?: number;
  /** A request whose only candidates are unpriced while a block or downgrade budget applies: `refuse` (default, 403) or `allow` (counted as 0, flagged). */
  unpricedModels?: 'refuse' | 'allow';
  /** Clock, epoch ms; default the kernel's. Budget windows and records use it. */
  now?: () => number;
}
