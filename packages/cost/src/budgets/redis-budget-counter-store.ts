import type { Redis } from 'ioredis';
import type {
  CounterReservation,
  CounterSettlement,
  CounterState,
  ReserveOutcome,
} from './budget-counter-store.js';
import type {
  RedisBudgetCounterStore,
  RedisBudgetCounterStoreOptions,
} from './redis-budget-counter-store-options.js';
import {
  READ_SCRIPT,
  RECONCILE_SCRIPT,
  RESERVE_SCRIPT,
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
import { CounterSeeding } from './redis-counter-seeding.js';
import {
  currentLeaseOwner,
  hostKey,
  ownerId,
  ownerKey,
  releaseDeadOwners,
} from './redis-lease-owner.js';
import { NodeLocalCounters } from './redis-outage-spend.js';

export type { RedisBudgetCounterStore, RedisBudgetCounterStoreOptions };

// Any error but a Redis reply error means the server could not be reached in time.
const unreachable = (error: unknown) => (error as Error | undefined)?.name !== 'ReplyError';

/**
 * Opens budget counters in Redis. `reserve` is one Lua script over every counter (check all
 * limits, then add all amounts); reservations are leased so a crashed gateway's holds expire,
 * and released as soon as a store opens on the same host after its process died; a missing
 * counter is seeded from the ledger with SET NX semantics; keys expire after their window (plus
 * the manager's grace day).
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
  // Already connected: no 'ready' event will say so. Otherwise the first connection does it.
  if (store.state() === 'ready') await store.releaseDeadOwners();
  return store;
}

class RedisCounters implements RedisBudgetCounterStore {
  private readonly watch;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly seeding: CounterSeeding;
  private readonly owner = currentLeaseOwner();
  private readonly ownerKeys: { id: string; leases: string; host: string };
  private readonly local: NodeLocalCounters;

  constructor(
    private readonly client: Redis,
    private readonly options: RedisBudgetCounterStoreOptions,
    private readonly ownsClient: boolean,
  ) {
    this.prefix = options.prefix ?? '{loom-budget}:';
    this.leaseMs = options.leaseMs ?? 600_000;
    this.ownerKeys = {
      id: ownerId(this.owner),
      leases: ownerKey(this.prefix, this.owner),
      host: hostKey(this.prefix, this.owner),
    };
    this.seeding = new CounterSeeding(client, this.prefix, options.seed, (at) => this.expireAt(at));
    this.local = new NodeLocalCounters(options.now);
    this.watch = watchRedisConnection(client);
    this.watch.onChange((state) => {
      if (state !== 'ready') return;
      this.local.restart();
      this.reconcile().catch((error) => options.onError?.(error));
      // Owners that died while this node was away are released too.
      void this.releaseDeadOwners();
    });
  }

  state(): RedisConnectionState {
    return this.watch.state();
  }

  onStateChange(listener: (state: RedisConnectionState) => void): () => void {
    return this.watch.onChange(listener);
  }

  get unreconciledMicros(): number {
    return this.local.spend.totalMicros;
  }

  /** Releases the reservations of dead processes on this host; failures go to `onError`. */
  async releaseDeadOwners(): Promise<void> {
    await releaseDeadOwners(this.client, this.prefix, this.owner).catch((error) =>
      this.options.onError?.(error),
    );
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
    const { id, leases, host } = this.ownerKeys;
    const keys = [...this.keysOf(reservations.map((reservation) => reservation.key)), leases, host];
    try {
      const reply = await this.seeding.run(reservations, (seeding) =>
        runScript(this.client, RESERVE_SCRIPT, keys, [this.leaseMs, seeding, id, ...args]),
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
    if (this.local.takeHolder(settlements[0]?.holder)) {
      const states = this.local.settle(settlements);
      // Admitted during the outage, settled after it: the recovery's push has already run, so
      // push this spend now (a counter gone since is skipped: the ledger holds the row already).
      if (this.state() === 'ready')
        this.reconcile().catch((error) => this.options.onError?.(error));
      return states;
    }
    if (this.state() !== 'ready') return this.local.settle(settlements);
    const args = settlements.flatMap((settlement) => [
      settlement.reservedMicros,
      settlement.actualMicros,
      this.expireAt(settlement.expiresAt),
      settlement.holder ?? '',
    ]);
    const keys = [
      ...this.keysOf(settlements.map((settlement) => settlement.key)),
      this.ownerKeys.leases,
    ];
    try {
      const reply = await this.seeding.run(settlements, (seeding) =>
        runScript(this.client, SETTLE_SCRIPT, keys, [seeding, ...args]),
      );
      return settlements.map((_, index) => ({
        spentMicros: Number(reply[1 + index * 2]),
        reservedMicros: Number(reply[2 + index * 2]),
      }));
    } catch (error) {
      if (!unreachable(error)) throw error;
      return this.local.settle(settlements);
    }
  }

  async read(key: string): Promise<CounterState> {
    if (this.state() !== 'ready') return this.local.read(key);
    try {
      // A read seeds a missing counter too; it expires with the window's usual grace.
      const target = [{ key, expiresAt: Date.now() + 86_400_000 }];
      const reply = await this.seeding.run(target, (seeding) =>
        runScript(this.client, READ_SCRIPT, this.keysOf([key]), [seeding]),
      );
      return { spentMicros: Number(reply[1]), reservedMicros: Number(reply[2]) };
    } catch (error) {
      if (!unreachable(error)) throw error;
      return this.local.read(key);
    }
  }

  private reserveLocally(
    reservations: readonly CounterReservation[],
    cause?: unknown,
  ): ReserveOutcome {
    const blocking = reservations.some((reservation) => reservation.limitMicros !== undefined);
    if (blocking && (this.options.onUnavailable ?? 'closed') === 'closed')
      throw budgetUnavailableError(this.prefix, cause);
    return this.local.reserve(reservations);
  }

  async reconcile(): Promise<void> {
    const { spend } = this.local;
    if (spend.size === 0 || this.state() !== 'ready') return;
    const batch = spend.take();
    try {
      await runScript(
        this.client,
        RECONCILE_SCRIPT,
        batch.map(([key]) => this.prefix + key),
        [
          this.seeding.flag,
          ...batch.flatMap(([, spend]) => [
            this.expireAt(spend.expiresAt),
            spend.runs.length / 2,
            ...spend.runs,
          ]),
        ],
      );
    } catch (error) {
      spend.restore(batch);
      throw error;
    }
  }

  /**
   * Claims a threshold crossing for this gateway until the window (plus grace) ends; false when
   * another gateway claimed it first. Without Redis every gateway alerts: a repeat beats silence.
   */
  async claimThreshold(id: string, expiresAt: number): Promise<boolean> {
    if (this.state() !== 'ready') return true;
    const key = `${this.prefix}claim:${id}`;
    const at = this.expireAt(expiresAt);
    try {
      const reply =
        at === 'never'
          ? await this.client.set(key, this.ownerKeys.id, 'NX')
          : await this.client.set(key, this.ownerKeys.id, 'PXAT', at, 'NX');
      return reply === 'OK';
    } catch (error) {
      if (!unreachable(error)) throw error;
      return true;
    }
  }

  async close(): Promise<void> {
    this.watch.close();
    if (!this.ownsClient) return;
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }
}
