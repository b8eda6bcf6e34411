import type { Redis } from 'ioredis';
import {
  type BudgetCounterStore,
  type CounterReservation,
  type CounterSettlement,
  type CounterState,
  MemoryBudgetCounterStore,
  type ReserveOutcome,
} from './budget-counter-store.js';
import {
  READ_SCRIPT,
  RECONCILE_SCRIPT,
  RESERVE_SCRIPT,
  SEED_SCRIPT,
  SETTLE_SCRIPT,
} from './redis-budget-scripts.js';
import { budgetUnavailableError } from './redis-budget-unavailable-error.js';
import {
  connectRedis,
  type RedisConnectionState,
  runScript,
  waitUntilReady,
  watchRedisConnection,
} from './redis-connection.js';
import type { CounterSeeder } from './redis-ledger-seeder.js';

/** Options of `openRedisBudgetCounterStore`. Give `client` (preferred) or `url`. */
export interface RedisBudgetCounterStoreOptions {
  /** Your ioredis client (not closed by `close()`); create it with `failFastRedisOptions()`. */
  client?: Redis;
  /** `redis://...`; a client with `failFastRedisOptions()` is created (ioredis loaded lazily). */
  url?: string;
  /** Key prefix; default `{loom-budget}:` (the braces keep every counter on one Cluster slot). */
  prefix?: string;
  /**
   * While Redis is unreachable: `closed` (default) refuses requests under a `block` budget with
   * 503 `budget_unavailable` and counts the rest on this node; `open` admits everything against
   * counters on this node. Either way, spend counted on this node is added to Redis when it is back.
   */
  onUnavailable?: 'closed' | 'open';
  /** How long a reservation is held unless settled or extended, ms; default 600 000 (10 min). */
  leaseMs?: number;
  /** Spend a counter starts from when its key is missing; see `ledgerCounterSeeder`. */
  seed?: CounterSeeder;
  /**
   * Keys live at least this long, ms; default 60 000. A clock behind Redis' (or a settlement
   * after the window's grace) must not make a counter vanish the moment it is written.
   */
  minTtlMs?: number;
  /** Command timeout of a client created from `url`, ms; default 1000. */
  commandTimeoutMs?: number;
  /** How long `open…` waits for the first connection, ms; default 2000. It opens either way. */
  connectTimeoutMs?: number;
  /** Called when a background reconciliation fails (its spend is kept for the next try). */
  onError?: (error: unknown) => void;
  /** Clock of the node-local fallback counters, epoch ms. */
  now?: () => number;
}

/** Budget counters shared in Redis, with the connection state for /readyz and metrics. */
export interface RedisBudgetCounterStore extends BudgetCounterStore {
  reserve(reservations: readonly CounterReservation[]): Promise<ReserveOutcome>;
  settle(settlements: readonly CounterSettlement[]): Promise<CounterState[]>;
  read(key: string): Promise<CounterState>;
  /** `ready`, `connecting` (before the first connection) or `down`. */
  state(): RedisConnectionState;
  /** Calls `listener` on each state change; returns a function that removes it. */
  onStateChange(listener: (state: RedisConnectionState) => void): () => void;
  /** Spend counted on this node while Redis was down, not yet added to Redis, micro-dollars. */
  readonly unreconciledMicros: number;
  /** Adds spend counted on this node to Redis now (also done on every reconnect). */
  reconcile(): Promise<void>;
  /** Stops watching; quits the client when the store created it. */
  close(): Promise<void>;
}

type Reply = Array<number | string>;

// Any error but a Redis reply error means the server could not be reached in time.
const unreachable = (error: unknown) => (error as Error | undefined)?.name !== 'ReplyError';

/**
 * Opens budget counters in Redis. `reserve` is one Lua script over every counter (check all
 * limits, then add all amounts); reservations are leased so a crashed gateway's holds expire;
 * a missing counter is seeded from the ledger with SET NX semantics; keys expire after their
 * window (plus the manager's grace day).
 */
export async function openRedisBudgetCounterStore(
  options: RedisBudgetCounterStoreOptions,
): Promise<RedisBudgetCounterStore> {
  if (!options.client && !options.url)
    throw new TypeError('openRedisBudgetCounterStore needs `client` (an ioredis client) or `url`');
  const client =
    options.client ?? (await connectRedis(options.url ?? '', options.commandTimeoutMs));
  const store = new RedisCounters(client, options, options.client === undefined);
  await waitUntilReady(client, options.connectTimeoutMs ?? 2000);
  return store;
}

class RedisCounters implements RedisBudgetCounterStore {
  private readonly watch;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly seeding: '1' | '0';
  private local: MemoryBudgetCounterStore;
  private readonly localHolders = new Set<string>();
  private readonly pending = new Map<string, { spent: number; expiresAt: number }>();
  private readonly seeds = new Map<string, Promise<void>>();

  constructor(
    private readonly client: Redis,
    private readonly options: RedisBudgetCounterStoreOptions,
    private readonly ownsClient: boolean,
  ) {
    this.prefix = options.prefix ?? '{loom-budget}:';
    this.leaseMs = options.leaseMs ?? 600_000;
    this.seeding = options.seed ? '1' : '0';
    this.local = new MemoryBudgetCounterStore(options.now);
    this.watch = watchRedisConnection(client);
    this.watch.onChange((state) => {
      if (state !== 'ready') return;
      // Counters on this node start afresh in the next outage; their spend is pushed now.
      this.local = new MemoryBudgetCounterStore(options.now);
      this.reconcile().catch((error) => options.onError?.(error));
    });
  }

  state(): RedisConnectionState {
    return this.watch.state();
  }

  onStateChange(listener: (state: RedisConnectionState) => void): () => void {
    return this.watch.onChange(listener);
  }

  get unreconciledMicros(): number {
    let sum = 0;
    for (const entry of this.pending.values()) sum += entry.spent;
    return sum;
  }

  /** PEXPIREAT argument: `never` for total windows, else no sooner than the minimum TTL. */
  private expireAt(at: number): string {
    if (!Number.isFinite(at)) return 'never';
    return String(Math.ceil(Math.max(at, Date.now() + (this.options.minTtlMs ?? 60_000))));
  }

  private keysOf(keys: readonly string[]): string[] {
    const counters = keys.map((key) => this.prefix + key);
    return [...counters, ...counters.map((key) => `${key}:leases`)];
  }

  async reserve(reservations: readonly CounterReservation[]): Promise<ReserveOutcome> {
    if (reservations.length === 0) return { admitted: true };
    if (this.state() !== 'ready') return this.reserveLocally(reservations);
    const args = reservations.flatMap((reservation) => [
      reservation.amountMicros,
      reservation.limitMicros ?? -1,
      this.expireAt(reservation.expiresAt),
      reservation.holder ?? '',
    ]);
    const keys = this.keysOf(reservations.map((reservation) => reservation.key));
    try {
      const reply = await this.withSeeding(reservations, (seeding) =>
        runScript(this.client, RESERVE_SCRIPT, keys, [this.leaseMs, seeding, ...args]),
      );
      if (reply[0] === 0) return { admitted: true };
      const refused = reservations[Number(reply[1]) - 1] as CounterReservation;
      return {
        admitted: false,
        key: refused.key,
        state: { spentMicros: Number(reply[2]), reservedMicros: Number(reply[3]) },
        limitMicros: refused.limitMicros ?? 0,
      };
    } catch (error) {
      if (!unreachable(error)) throw error;
      return this.reserveLocally(reservations, error);
    }
  }

  async settle(settlements: readonly CounterSettlement[]): Promise<CounterState[]> {
    if (settlements.length === 0) return [];
    // An admission made on this node's counters during an outage settles there too.
    const holder = settlements[0]?.holder;
    if (holder !== undefined && this.localHolders.delete(holder)) {
      const states = this.settleLocally(settlements);
      // Admitted during the outage, settled after it: the recovery's push has already run, so
      // push this spend now (a counter gone since is skipped: the ledger holds the row already).
      if (this.state() === 'ready')
        this.reconcile().catch((error) => this.options.onError?.(error));
      return states;
    }
    if (this.state() !== 'ready') return this.settleLocally(settlements);
    const args = settlements.flatMap((settlement) => [
      settlement.reservedMicros,
      settlement.actualMicros,
      this.expireAt(settlement.expiresAt),
      settlement.holder ?? '',
    ]);
    const keys = this.keysOf(settlements.map((settlement) => settlement.key));
    try {
      const reply = await this.withSeeding(settlements, (seeding) =>
        runScript(this.client, SETTLE_SCRIPT, keys, [seeding, ...args]),
      );
      return settlements.map((_, index) => ({
        spentMicros: Number(reply[1 + index * 2]),
        reservedMicros: Number(reply[2 + index * 2]),
      }));
    } catch (error) {
      if (!unreachable(error)) throw error;
      return this.settleLocally(settlements);
    }
  }

  async read(key: string): Promise<CounterState> {
    if (this.state() !== 'ready') return this.local.read(key);
    try {
      // A read seeds a missing counter too; it expires with the window's usual grace.
      const target = [{ key, expiresAt: Date.now() + 86_400_000 }];
      const reply = await this.withSeeding(target, (seeding) =>
        runScript(this.client, READ_SCRIPT, this.keysOf([key]), [seeding]),
      );
      return { spentMicros: Number(reply[1]), reservedMicros: Number(reply[2]) };
    } catch (error) {
      if (!unreachable(error)) throw error;
      return this.local.read(key);
    }
  }

  /** Runs a script; when it reports missing counters, seeds them and runs it again. */
  private async withSeeding(
    targets: ReadonlyArray<{ key: string; expiresAt: number }>,
    run: (seeding: '1' | '0') => Promise<unknown>,
  ): Promise<Reply> {
    // A counter could expire between seeding and the rerun; after two rounds, count from zero.
    for (let round = 0; round < 3; round += 1) {
      const reply = (await run(round < 2 ? this.seeding : '0')) as Reply;
      if (reply[0] !== 2) return reply;
      const missing = reply.slice(1).map((index) => targets[Number(index) - 1]);
      await Promise.all(missing.map((target) => target && this.seedOnce(target)));
    }
    throw new Error('unreachable: the last round runs without seeding');
  }

  // Concurrent requests on this node share one ledger query per missing counter.
  private seedOnce(target: { key: string; expiresAt: number }): Promise<void> {
    let running = this.seeds.get(target.key);
    if (!running) {
      running = this.seed(target).finally(() => this.seeds.delete(target.key));
      this.seeds.set(target.key, running);
    }
    return running;
  }

  private async seed(target: { key: string; expiresAt: number }): Promise<void> {
    const spent = (await this.options.seed?.(target.key)) ?? 0;
    await runScript(
      this.client,
      SEED_SCRIPT,
      [this.prefix + target.key],
      [Math.max(0, Math.round(spent)), this.expireAt(target.expiresAt)],
    );
  }

  private reserveLocally(
    reservations: readonly CounterReservation[],
    cause?: unknown,
  ): ReserveOutcome {
    const blocking = reservations.some((reservation) => reservation.limitMicros !== undefined);
    if (blocking && (this.options.onUnavailable ?? 'closed') === 'closed')
      throw budgetUnavailableError(this.prefix, cause);
    const outcome = this.local.reserve(reservations);
    const holder = reservations[0]?.holder;
    if (outcome.admitted && holder !== undefined) this.localHolders.add(holder);
    return outcome;
  }

  private settleLocally(settlements: readonly CounterSettlement[]): CounterState[] {
    for (const settlement of settlements) {
      if (settlement.actualMicros === 0) continue;
      const entry = this.pending.get(settlement.key) ?? { spent: 0, expiresAt: 0 };
      entry.spent += settlement.actualMicros;
      entry.expiresAt = Math.max(entry.expiresAt, settlement.expiresAt);
      this.pending.set(settlement.key, entry);
    }
    return this.local.settle(settlements);
  }

  async reconcile(): Promise<void> {
    if (this.pending.size === 0 || this.state() !== 'ready') return;
    const batch = [...this.pending];
    this.pending.clear();
    try {
      await runScript(
        this.client,
        RECONCILE_SCRIPT,
        batch.map(([key]) => this.prefix + key),
        [
          this.seeding,
          ...batch.flatMap(([, entry]) => [entry.spent, this.expireAt(entry.expiresAt)]),
        ],
      );
    } catch (error) {
      for (const [key, entry] of batch) {
        const current = this.pending.get(key);
        if (current) current.spent += entry.spent;
        else this.pending.set(key, entry);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.watch.close();
    if (!this.ownsClient) return;
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }
}
