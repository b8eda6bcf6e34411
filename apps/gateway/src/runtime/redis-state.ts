import type { BudgetConfig, RedisBudgetCounterStore } from '@loom/cost';
import { type LedgerStore, ledgerCounterSeeder, openRedisBudgetCounterStore } from '@loom/cost';
import {
  createRedisCacheStore,
  createRedisRateLimiter,
  failFastRedisOptions,
  type RateLimiter,
  type RedisCacheStore,
} from '@loom/redis';
import { Redis } from 'ioredis';
import type { LoomConfig } from '../config/config-schema.js';

/** What several gateways share through one Redis. */
export interface RedisState {
  budgetCounters: RedisBudgetCounterStore;
  rateLimiter: RateLimiter;
  /** Absent with `storage.sharedCache: false`. */
  cacheStore?: RedisCacheStore;
  /** `closed` or `open`: what budgets do while Redis is unreachable. */
  policy: 'closed' | 'open';
  /** For `/readyz`: ready, connecting or down. */
  state(): 'ready' | 'connecting' | 'down';
  close(): Promise<void>;
}

/**
 * Connects to `storage.redis` once per process. Budget counters reseed a missing window from the
 * ledger (never additively), so a Redis restart does not forget what was spent. Commands fail
 * fast while Redis is away, so requests never queue behind a dead connection.
 */
export async function openRedisState(
  config: LoomConfig,
  ledger: LedgerStore,
  budgets: () => readonly BudgetConfig[],
): Promise<RedisState> {
  const url = config.storage?.redis as string;
  const policy = config.storage?.redisUnavailable ?? 'closed';
  const client = new Redis(url, { ...failFastRedisOptions(), lazyConnect: false });
  // Connection errors surface through state(); without a listener ioredis prints each retry.
  client.on('error', () => {});
  const budgetCounters = await openRedisBudgetCounterStore({
    client,
    onUnavailable: policy,
    seed: ledgerCounterSeeder({
      ledger,
      budgets,
    }),
  });
  const cacheOn = config.cache !== undefined && config.cache !== false;
  return {
    budgetCounters,
    rateLimiter: createRedisRateLimiter(client),
    ...(cacheOn && config.storage?.sharedCache !== false
      ? { cacheStore: createRedisCacheStore(client) }
      : {}),
    policy,
    state: () => budgetCounters.state(),
    async close() {
      await budgetCounters.close();
      client.disconnect();
    },
  };
}
