export type { BudgetAction, BudgetConfig, BudgetScope } from './budgets/budget-config.js';
export {
  type BudgetCounterStore,
  type CounterReservation,
  type CounterSettlement,
  type CounterState,
  MemoryBudgetCounterStore,
  type ReserveOutcome,
} from './budgets/budget-counter-store.js';
export type { BudgetStatus } from './budgets/budget-status.js';
export { type BudgetWindow, type WindowSpan, windowAt } from './budgets/calendar-window.js';
export { CALLER_TAGS } from './budgets/caller-tags.js';
export {
  openRedisBudgetCounterStore,
  type RedisBudgetCounterStore,
  type RedisBudgetCounterStoreOptions,
} from './budgets/redis-budget-counter-store.js';
export { budgetUnavailableError } from './budgets/redis-budget-unavailable-error.js';
export {
  failFastRedisOptions,
  type RedisConnectionState,
  type RedisConnectionWatch,
  reconnectDelay,
  watchRedisConnection,
} from './budgets/redis-connection.js';
export {
  type CounterSeeder,
  type LedgerCounterSeederOptions,
  ledgerCounterSeeder,
} from './budgets/redis-ledger-seeder.js';
export {
  SeededMemoryCounterStore,
  type SeededMemoryCounterStoreOptions,
} from './budgets/seeded-memory-counter-store.js';
export {
  openSqliteBudgetCounterStore,
  type SqliteBudgetCounterStore,
  type SqliteBudgetCounterStoreOptions,
} from './budgets/sqlite-budget-counter-store.js';
export { BatchedLedger, type BatchedLedgerOptions } from './ledger/batched-ledger.js';
export {
  type CostRecord,
  type LedgerCompactOptions,
  type LedgerCompactResult,
  type LedgerConnectionState,
  type LedgerGroup,
  type LedgerGroupBy,
  type LedgerHealth,
  type LedgerQuery,
  type LedgerStore,
  NO_GROUP,
} from './ledger/cost-record.js';
export {
  type JournaledLedgerStore,
  type LedgerJournalOptions,
  withLedgerJournal,
} from './ledger/journaled-ledger.js';
export { MemoryLedger } from './ledger/memory-ledger.js';
export {
  openPostgresLedger,
  type PostgresLedgerOptions,
  type PostgresLedgerStore,
} from './ledger/postgres-ledger.js';
export { openSqliteLedger, type SqliteLedgerOptions } from './ledger/sqlite-ledger.js';
export * from './money/micros.js';
export { type CostPlugin, costPlugin } from './plugin/cost-plugin.js';
export { loomPlugin } from './plugin/cost-plugin-module.js';
export type { CostPluginOptions } from './plugin/cost-plugin-options.js';
export { budgetConfigSchema, pricingConfigSchema } from './plugin/cost-settings-schema.js';
export {
  type CatalogEntry,
  createGenAiPricesCatalog,
  fromCatalogPrice,
  type PriceCatalog,
} from './pricing/catalog.js';
export { type CostUsage, costOf, effectivePrice } from './pricing/cost-of.js';
export { LocalRuntimeMeter } from './pricing/local-runtime-meter.js';
export {
  FREE_PRICE,
  type ModelPrice,
  type PriceResolution,
  type PriceSource,
  type PriceTier,
} from './pricing/model-price.js';
export { createPriceBook, type PriceBook, type PriceKey } from './pricing/price-book.js';
export type { PriceOverride, PricingOptions, ProviderPricing } from './pricing/pricing-config.js';
export {
  type CostReport,
  type CostReportQuery,
  costReport,
  costReportToCsv,
  costReportToMarkdown,
} from './report/cost-report.js';
export { type CostSummary, costSummary } from './report/cost-summary.js';
