import { basename } from 'node:path';
import {
  type BudgetConfig,
  type BudgetCounterStore,
  createGenAiPricesCatalog,
  type LedgerStore,
  ledgerCounterSeeder,
  MemoryBudgetCounterStore,
  openSqliteBudgetCounterStore,
  SeededMemoryCounterStore,
} from '@loom/cost';
import { createMetricStore, createPrometheusExporter } from '@loom/monitor';
import { ConfigFileError } from '../config/config-error.js';
import type { LoomConfig } from '../config/config-schema.js';
import { retentionOf } from '../config/retention-schema.js';
import type { SharedState } from './generation.js';
import { startLedgerRetention } from './ledger-retention.js';
import { metricFileOf, type PersistedMetrics, persistMetrics } from './metric-persistence.js';
import { ledgerLocation, openLedger } from './open-ledger.js';
import type { RedisState } from './redis-state.js';

/** A config naming Redis on an install without its optional packages: say what to install. */
function missingRedis(error: unknown, file: string): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') return error;
  return new ConfigFileError(basename(file), [
    {
      path: 'storage.redis',
      message:
        'needs @loom/redis and ioredis, which are not installed; run: npm install @loom/redis ioredis',
    },
  ]);
}

/** Shared state and the function that releases it at shutdown. */
export interface OpenedState {
  shared: SharedState;
  /** Where the ledger is, as configured (shown in logs; never the password). */
  ledgerDescription: string;
  /** Where the metric history is kept across restarts, if it is. */
  metricFile?: string;
  /** Rows the ledger's journal recovered from a process that died before storing them. */
  recoveredRows: number;
  /** The budgets a reload brought: counters first used from now on start from their spend. */
  setBudgets(budgets: LoomConfig['budgets']): void;
  close(): Promise<void>;
}

/**
 * Opens what every kernel generation shares: the ledger named by `storage.ledger` (or
 * `defaultLedger`), budget counters (in Redis when configured, else see `localCounters`), the
 * price catalog, and the metric store with its Prometheus registry when the monitor is on. Read
 * once: a reload does not reopen them.
 */
export async function openSharedState(
  config: LoomConfig,
  file: string,
  defaultLedger = 'memory',
  onError?: (source: 'cost ledger' | 'metric history', error: unknown) => void,
): Promise<OpenedState> {
  const location = ledgerLocation(config.storage?.ledger ?? defaultLedger, file);
  const ledgerWrites =
    config.storage?.ledgerWrites ?? (location.kind === 'memory' ? 'batched' : 'request');
  // A row per request in SQLite is kept durable by the journal in front of it.
  const ledger = await openLedger(location, {
    journal: ledgerWrites === 'request',
    ...(onError ? { onError: (error: unknown) => onError('cost ledger', error) } : {}),
  });
  let budgets = (config.budgets ?? []) as readonly BudgetConfig[];
  const currentBudgets = () => budgets;
  let budgetCounters: BudgetCounterStore & { close?(): void | Promise<void> };
  let redis: RedisState | undefined;
  try {
    if (config.storage?.redis) {
      // ioredis and @loom/redis load only for a config that uses Redis.
      const { openRedisState } = await import('./redis-state.js').catch((error: unknown) => {
        throw missingRedis(error, file);
      });
      redis = await openRedisState(config, ledger, currentBudgets);
      budgetCounters = redis.budgetCounters;
    } else {
      budgetCounters = await localCounters(location, ledger, currentBudgets, (error) =>
        onError?.('cost ledger', error),
      );
    }
  } catch (error) {
    await ledger.close();
    throw error;
  }
  const monitorOn = config.monitor?.enabled !== false;
  const store = monitorOn
    ? createMetricStore(config.monitor?.maxSeries ? { maxSeries: config.monitor.maxSeries } : {})
    : undefined;
  const metricFile = store ? metricFileOf(config, file, location) : undefined;
  let metrics: PersistedMetrics | undefined;
  try {
    if (store && metricFile)
      metrics = await persistMetrics(store, metricFile, (error) =>
        onError?.('metric history', error),
      );
  } catch (error) {
    await ledger.close();
    await budgetCounters.close?.();
    await redis?.close();
    throw error;
  }
  const shared: SharedState = {
    ledger,
    budgetCounters,
    catalog: createGenAiPricesCatalog(),
    ledgerWrites,
    ...(redis ? { redis } : {}),
    ...(store ? { monitor: { store, prometheus: createPrometheusExporter() } } : {}),
  };
  // Started last, once nothing can fail the open: it must never outlive a ledger closed early.
  const stopRetention = startLedgerRetention(
    ledger,
    retentionOf(config.storage?.retention),
    (error) => onError?.('cost ledger', error),
  );
  return {
    shared,
    recoveredRows:
      'recovered' in ledger && typeof ledger.recovered === 'number' ? ledger.recovered : 0,
    ledgerDescription:
      location.kind === 'sqlite'
        ? `sqlite ${location.path}`
        : location.kind === 'postgres'
          ? `postgres ${new URL(location.connectionString).host}`
          : 'memory',
    ...(metrics ? { metricFile: metrics.path } : {}),
    setBudgets(next) {
      budgets = (next ?? []) as readonly BudgetConfig[];
    },
    async close() {
      metrics?.close();
      await stopRetention();
      await ledger.close();
      await budgetCounters.close?.();
      await redis?.close();
    },
  };
}

/**
 * Without Redis: counters in the SQLite ledger's file (they survive restarts; a crashed
 * process's reservations are released at the next start), or in memory: seeded from a
 * PostgreSQL ledger so a restart keeps what was spent, empty beside a memory ledger.
 */
async function localCounters(
  location: ReturnType<typeof ledgerLocation>,
  ledger: LedgerStore,
  budgets: () => readonly BudgetConfig[],
  onError: (error: unknown) => void,
): Promise<BudgetCounterStore & { close?(): void }> {
  switch (location.kind) {
    case 'sqlite':
      return openSqliteBudgetCounterStore({ path: location.path, onError });
    case 'postgres':
      return new SeededMemoryCounterStore({
        seed: ledgerCounterSeeder({ ledger, budgets }),
        onError,
      });
    case 'memory':
      return new MemoryBudgetCounterStore();
  }
}
