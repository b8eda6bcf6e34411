import {
  type BudgetCounterStore,
  type CounterReservation,
  type CounterSettlement,
  type CounterState,
  MemoryBudgetCounterStore,
  type ReserveOutcome,
} from './budget-counter-store.js';
import { budgetSeedUnavailableError } from './budget-seed-unavailable-error.js';
import type { CounterSeeder } from './redis-ledger-seeder.js';

/** Options of `SeededMemoryCounterStore`. */
export interface SeededMemoryCounterStoreOptions {
  /**
   * The spend a counter starts from when this process first reserves on it; see
   * `ledgerCounterSeeder`.
   */
  seed: CounterSeeder;
  /** Clock for forgetting expired windows, epoch milliseconds. */
  now?: () => number;
  /** Told when the ledger could not be read for a counter (the request went on, or was refused). */
  onError?: (error: unknown) => void;
}

/**
 * Counters in this process's memory that start from the ledger. Memory starts empty, so a
 * restart (even after a crash) holds no reservation; but a `total` budget must not forget what
 * it spent: the first reservation on a key in this process waits for the key's spend in the
 * ledger and adds it (requests on the key wait for that one read, then go straight to memory).
 * While the ledger cannot be read, a reservation with a limit is refused with 503
 * `budget_unavailable`; one without a limit (alert, downgrade) is counted from what this process
 * sees, and the key is seeded at a later reservation, which may then count its spend twice,
 * never miss it.
 */
export class SeededMemoryCounterStore implements BudgetCounterStore {
  private readonly counters: MemoryBudgetCounterStore;
  /** Seeded keys and when they may be forgotten. */
  private readonly seeded = new Map<string, number>();
  private readonly seeding = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private writes = 0;

  constructor(private readonly options: SeededMemoryCounterStoreOptions) {
    this.now = options.now ?? Date.now;
    this.counters = new MemoryBudgetCounterStore(this.now);
  }

  reserve(reservations: readonly CounterReservation[]): ReserveOutcome | Promise<ReserveOutcome> {
    this.forgetSometimes();
    const waiting = this.seedAll(reservations);
    if (!waiting) return this.counters.reserve(reservations);
    return waiting.then(() => this.counters.reserve(reservations));
  }

  settle(settlements: readonly CounterSettlement[]): CounterState[] {
    return this.counters.settle(settlements);
  }

  read(key: string): CounterState | Promise<CounterState> {
    if (this.seeded.has(key)) return this.counters.read(key);
    const pending = this.seeding.get(key);
    if (pending) return pending.then(() => this.read(key));
    // Not reserved on yet in this process: what the ledger holds, without keeping it. A read
    // decides a downgrade or a status report, never admission: without the ledger it answers
    // what this process has seen, as a budget without a limit is counted.
    return this.options.seed(key).then(
      (micros) => {
        const local = this.counters.read(key);
        return { ...local, spentMicros: local.spentMicros + micros };
      },
      (error: unknown) => {
        this.options.onError?.(budgetSeedUnavailableError(key, error));
        return this.counters.read(key);
      },
    );
  }

  private seedAll(reservations: readonly CounterReservation[]): Promise<unknown> | undefined {
    let waits: Array<Promise<void>> | undefined;
    for (const reservation of reservations) {
      if (this.seeded.has(reservation.key)) continue;
      const seeding = this.seedKey(reservation.key, reservation.expiresAt);
      waits ??= [];
      waits.push(
        reservation.limitMicros === undefined
          ? seeding.catch((error: unknown) => this.options.onError?.(error))
          : seeding,
      );
    }
    return waits && Promise.all(waits);
  }

  private seedKey(key: string, expiresAt: number): Promise<void> {
    let seeding = this.seeding.get(key);
    if (seeding) return seeding;
    seeding = this.options
      .seed(key)
      .then(
        (micros) => {
          this.counters.settle([{ key, reservedMicros: 0, actualMicros: micros, expiresAt }]);
          this.seeded.set(key, expiresAt);
        },
        (error: unknown) => {
          throw budgetSeedUnavailableError(key, error);
        },
      )
      .finally(() => this.seeding.delete(key));
    this.seeding.set(key, seeding);
    return seeding;
  }

  // Old windows' keys are never used again; forget that they were seeded, as memory forgets them.
  private forgetSometimes(): void {
    this.writes += 1;
    if (this.writes % 1024 !== 0) return;
    const now = this.now();
    for (const [key, expiresAt] of this.seeded) {
      if (expiresAt < now && this.counters.read(key).reservedMicros === 0) this.seeded.delete(key);
    }
  }
}
