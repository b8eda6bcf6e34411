import type { Micros } from '../money/micros.js';

/** What a counter holds in its window. */
export interface CounterState {
  /** Settled spend, micro-dollars. */
  spentMicros: Micros;
  /** Worst cases reserved by requests still running, micro-dollars. */
  reservedMicros: Micros;
}

/** One counter to reserve on. */
export interface CounterReservation {
  /** `budget|scope|window` key; a new window is a new key. */
  key: string;
  /** Worst case to add to `reservedMicros`. */
  amountMicros: Micros;
  /** Refuse when spent + reserved + amount would exceed this; absent: never refuse. */
  limitMicros?: Micros;
  /** When the counter may be forgotten, epoch milliseconds. */
  expiresAt: number;
  /**
   * Who holds the reservation (unique per admission). Stores that lease reservations (Redis)
   * release a crashed holder's reservation when its lease runs out; others ignore it.
   */
  holder?: string;
}

/** The end of one reservation: the reservation is released and the actual cost spent. */
export interface CounterSettlement {
  /** Counter key. */
  key: string;
  /** What was reserved on it. */
  reservedMicros: Micros;
  /** What the request really cost on it. */
  actualMicros: Micros;
  /** When the counter may be forgotten. */
  expiresAt: number;
  /** The holder named at `reserve`; a leasing store releases what that holder still holds. */
  holder?: string;
}

/** Result of a reservation: all counters admitted it, or the first one that could not. */
export type ReserveOutcome =
  | { admitted: true }
  | { admitted: false; key: string; state: CounterState; limitMicros: Micros };

/**
 * Budget counters. `reserve` is all-or-nothing across its counters and atomic: two concurrent
 * callers can never both fit into the last slot (in memory: one synchronous call; in Redis: one
 * Lua script). Methods may answer synchronously or with a promise.
 */
export interface BudgetCounterStore {
  /** Checks every limit and adds every amount, or changes nothing. */
  reserve(reservations: readonly CounterReservation[]): ReserveOutcome | Promise<ReserveOutcome>;
  /** Releases reservations and adds actual spend; returns each counter's state afterwards. */
  settle(settlements: readonly CounterSettlement[]): CounterState[] | Promise<CounterState[]>;
  /** Reads one counter (zero when unknown). */
  read(key: string): CounterState | Promise<CounterState>;
}

interface Counter extends CounterState {
  expiresAt: number;
}

/** Counters in this process's memory; `now` drives the forgetting of expired windows. */
export class MemoryBudgetCounterStore implements BudgetCounterStore {
  private readonly counters = new Map<string, Counter>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  reserve(reservations: readonly CounterReservation[]): ReserveOutcome {
    for (const reservation of reservations) {
      const state = this.counters.get(reservation.key) ?? { spentMicros: 0, reservedMicros: 0 };
      const limit = reservation.limitMicros;
      if (
        limit !== undefined &&
        state.spentMicros + state.reservedMicros + reservation.amountMicros > limit
      ) {
        return { admitted: false, key: reservation.key, state: { ...state }, limitMicros: limit };
      }
    }
    for (const reservation of reservations) {
      this.counter(reservation.key, reservation.expiresAt).reservedMicros +=
        reservation.amountMicros;
    }
    this.sweepSometimes();
    return { admitted: true };
  }

  settle(settlements: readonly CounterSettlement[]): CounterState[] {
    return settlements.map((settlement) => {
      const counter = this.counter(settlement.key, settlement.expiresAt);
      counter.reservedMicros = Math.max(0, counter.reservedMicros - settlement.reservedMicros);
      counter.spentMicros += settlement.actualMicros;
      return { spentMicros: counter.spentMicros, reservedMicros: counter.reservedMicros };
    });
  }

  read(key: string): CounterState {
    const counter = this.counters.get(key);
    return { spentMicros: counter?.spentMicros ?? 0, reservedMicros: counter?.reservedMicros ?? 0 };
  }

  private counter(key: string, expiresAt: number): Counter {
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { spentMicros: 0, reservedMicros: 0, expiresAt };
      this.counters.set(key, counter);
    }
    return counter;
  }

  // Old windows' keys are never read again; dropping them keeps memory flat over months.
  private sweepSometimes(): void {
    this.writes += 1;
    if (this.writes % 1024 !== 0) return;
    const now = this.now();
    for (const [key, counter] of this.counters) {
      if (counter.expiresAt < now && counter.reservedMicros === 0) this.counters.delete(key);
    }
  }
}
