import type { Redis } from 'ioredis';
import type {
  BudgetCounterStore,
  CounterReservation,
  CounterSettlement,
  CounterState,
  ReserveOutcome,
} from './budget-counter-store.js';
import type { ThresholdClaims } from './budget-thresholds.js';
import type { RedisConnectionState } from './redis-connection.js';
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
   * counters on this node. Either way, spend counted on this node is added to Redis when it is
   * back, except what a counter reseeded from the ledger since already holds (each seed records
   * when its ledger read began: its seeding epoch; the nodes' clocks must agree, as NTP keeps them).
   */
  onUnavailable?: 'closed' | 'open';
  /**
   * How long a reservation is held unless settled or extended, ms; default 600 000 (10 min).
   * Sooner, when a store opens (or reconnects) on the same host after its process died.
   */
  leaseMs?: number;
  /**
   * Spend a counter starts from when its key is missing; see `ledgerCounterSeeder`. Its ledger
   * must hold each request's rows before the request settles (the cost plugin's
   * `ledgerWrites: 'request'`), or a reseed can miss spend the outage push then skips.
   */
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
  /**
   * Called when a background reconciliation fails (its spend is kept for the next try), or when
   * releasing dead processes' reservations fails (their leases still expire).
   */
  onError?: (error: unknown) => void;
  /** Clock of the node-local fallback counters, epoch ms. */
  now?: () => number;
}

/**
 * Budget counters shared in Redis, with the connection state for /readyz and metrics, and
 * threshold claims so that one gateway alerts per crossing.
 */
export interface RedisBudgetCounterStore extends BudgetCounterStore, ThresholdClaims {
  reserve(reservations: readonly CounterReservation[]): Promise<ReserveOutcome>;
  settle(settlements: readonly CounterSettlement[]): Promise<CounterState[]>;
  read(key: string): Promise<CounterState>;
  /** `ready`, `connecting` (before the first connection) or `down`. */
  state(): RedisConnectionState;
  /** Calls `listener` on each state change; returns a function that removes it. */
  onStateChange(listener: (state: RedisConnectionState) => void): () => void;
  /** Spend counted on this node while Redis was down, not yet pushed to Redis, micro-dollars. */
  readonly unreconciledMicros: number;
  /**
   * Pushes spend counted on this node to Redis now (also done on every reconnect); a counter
   * reseeded since that spend was settled already counts it and gets none of it.
   */
  reconcile(): Promise<void>;
  /** Stops watching; quits the client when the store created it. */
  close(): Promise<void>;
}
