import {
  type CounterReservation,
  type CounterSettlement,
  type CounterState,
  MemoryBudgetCounterStore,
  type ReserveOutcome,
} from './budget-counter-store.js';

/** Spend of one counter, as (settled at, micro-dollars) runs in the order they were settled. */
interface CounterSpend {
  runs: number[];
  expiresAt: number;
}

// Past this many runs a counter's oldest half is folded into one; see `fold`.
const MAX_RUNS = 2048;

/**
 * Spend settled on this node while Redis was unreachable, waiting to be pushed. Each amount
 * keeps when it was settled (wall clock, ms): its ledger row was stored by then, so Redis adds
 * it only when it is newer than the ledger read that seeded the counter (the seeding epoch).
 */
export class OutageSpend {
  private byKey = new Map<string, CounterSpend>();

  get size(): number {
    return this.byKey.size;
  }

  get totalMicros(): number {
    let sum = 0;
    for (const spend of this.byKey.values())
      for (let index = 1; index < spend.runs.length; index += 2) sum += spend.runs[index] ?? 0;
    return sum;
  }

  add(settlements: readonly CounterSettlement[], at = Date.now()): void {
    for (const settlement of settlements) {
      if (settlement.actualMicros === 0) continue;
      const spend = this.byKey.get(settlement.key) ?? { runs: [], expiresAt: 0 };
      spend.expiresAt = Math.max(spend.expiresAt, settlement.expiresAt);
      const last = spend.runs.length - 2;
      if (last >= 0 && spend.runs[last] === at)
        spend.runs[last + 1] = (spend.runs[last + 1] ?? 0) + settlement.actualMicros;
      else spend.runs.push(at, settlement.actualMicros);
      if (spend.runs.length > 2 * MAX_RUNS) fold(spend.runs);
      this.byKey.set(settlement.key, spend);
    }
  }

  /** Takes everything; give it back with `restore` when the push fails. */
  take(): Array<[string, CounterSpend]> {
    const batch = [...this.byKey];
    this.byKey = new Map();
    return batch;
  }

  restore(batch: Array<[string, CounterSpend]>): void {
    const newer = this.byKey;
    this.byKey = new Map(batch);
    for (const [key, spend] of newer) {
      const older = this.byKey.get(key);
      if (!older) this.byKey.set(key, spend);
      else {
        older.runs.push(...spend.runs);
        older.expiresAt = Math.max(older.expiresAt, spend.expiresAt);
      }
    }
  }
}

/**
 * What a node counts on its own while Redis is unreachable: admissions on counters in its
 * memory, and the spend settled meanwhile, to push when Redis is back.
 */
export class NodeLocalCounters {
  private counters: MemoryBudgetCounterStore;
  private readonly holders = new Set<string>();
  readonly spend = new OutageSpend();

  constructor(private readonly now?: () => number) {
    this.counters = new MemoryBudgetCounterStore(now);
  }

  /** Starts the next outage's counters from zero (their spend is pushed on its own). */
  restart(): void {
    this.counters = new MemoryBudgetCounterStore(this.now);
  }

  reserve(reservations: readonly CounterReservation[]): ReserveOutcome {
    const outcome = this.counters.reserve(reservations);
    const holder = reservations[0]?.holder;
    if (outcome.admitted && holder !== undefined) this.holders.add(holder);
    return outcome;
  }

  /** Whether `holder` was admitted here (then it settles here too); forgets it. */
  takeHolder(holder: string | undefined): boolean {
    return holder !== undefined && this.holders.delete(holder);
  }

  settle(settlements: readonly CounterSettlement[]): CounterState[] {
    this.spend.add(settlements);
    return this.counters.settle(settlements);
  }

  read(key: string): CounterState {
    return this.counters.read(key);
  }
}

/**
 * Folds the oldest half of the runs into one, stamped with the latest of their times: a reseed
 * that falls inside them counts some of them twice rather than missing any. Reseeds come after
 * Redis is back, far from the start of a long outage, which is where the folded runs are.
 */
function fold(runs: number[]): void {
  const half = runs.length / 2 - ((runs.length / 2) % 2);
  let sum = 0;
  for (let index = 1; index < half; index += 2) sum += runs[index] ?? 0;
  runs.splice(0, half, runs[half - 2] ?? 0, sum);
}
