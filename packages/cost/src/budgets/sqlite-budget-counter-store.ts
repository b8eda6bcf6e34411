import type BetterSqlite3 from 'better-sqlite3';
import { loadOptional } from '../ledger/load-optional.js';
import type {
  BudgetCounterStore,
  CounterReservation,
  CounterSettlement,
  CounterState,
  ReserveOutcome,
} from './budget-counter-store.js';
import { CounterOwners, createHoldTables } from './sqlite-counter-owners.js';

/** Where the counters live. */
export interface SqliteBudgetCounterStoreOptions {
  /** Database file (the ledger's file is fine: separate tables are used). */
  path: string;
  /** Table name; default `loom_budget_counters` (reservations go to `<table>_holds`). */
  table?: string;
  /**
   * How long this store's reservations outlive its last sign of life, ms; default 120 000. An
   * open store renews its lease every quarter of it, so only a store that stopped (a process
   * that crashed where its pid cannot be checked, or hung) loses its reservations this way.
   */
  leaseMs?: number;
  /** Clock of leases and of forgetting expired windows, epoch milliseconds. */
  now?: () => number;
  /** Called when a background sweep fails (it is tried again at the next one). */
  onError?: (error: unknown) => void;
}

/** Budget counters in a SQLite file. */
export interface SqliteBudgetCounterStore extends BudgetCounterStore {
  reserve(reservations: readonly CounterReservation[]): ReserveOutcome;
  settle(settlements: readonly CounterSettlement[]): CounterState[];
  read(key: string): CounterState;
  /**
   * Renews this store's lease, releases the reservations of gone owners and forgets expired
   * windows; returns how many reservations it released. Runs on its own every quarter lease.
   */
  sweep(): number;
  /** Releases what this store still holds and closes the file. */
  close(): void;
}

type Row = { spent: number; reserved: number };

// Rows released or forgotten per transaction of a background sweep: requests wait for the write
// lock between steps, never for a whole sweep.
const STEP = 256;

/**
 * Budget counters in SQLite, so they survive a restart. `reserve` runs as one IMMEDIATE
 * transaction: better-sqlite3 is synchronous, so within a process it cannot interleave, and the
 * write lock taken at BEGIN makes it atomic against other processes sharing the file too.
 *
 * Each reservation is also recorded per holder with its owner (this open store: process,
 * start time and lease), so a crash does not leave it behind: the next store to open or sweep
 * the file releases what a dead process or an expired lease held. `reserved` on a counter is the
 * sum of its live reservations. A file of an older version gains the new tables; what it left
 * reserved has no holder and is released by the first store to open it with no other owner.
 */
export async function openSqliteBudgetCounterStore(
  options: SqliteBudgetCounterStoreOptions,
): Promise<SqliteBudgetCounterStore> {
  const module = await loadOptional('better-sqlite3', 'SQLite', () => import('better-sqlite3'));
  const table = options.table ?? 'loom_budget_counters';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
    throw new RangeError(`Invalid table name '${table}'`);
  const leaseMs = options.leaseMs ?? 120_000;
  if (!Number.isFinite(leaseMs) || leaseMs <= 0)
    throw new RangeError(`leaseMs must be a positive number of milliseconds, got ${leaseMs}`);
  const now = options.now ?? Date.now;
  const database: BetterSqlite3.Database = new module.default(options.path);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, spent INTEGER NOT NULL, reserved INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
    );
    createHoldTables(database, table);
    const owners = new CounterOwners(database, table, leaseMs, now);
    return new SqliteCounters(database, table, owners, options, leaseMs, now);
  } catch (error) {
    database.close();
    throw error;
  }
}

class SqliteCounters implements SqliteBudgetCounterStore {
  private readonly select;
  private readonly upsert;
  private readonly forgetExpired;
  private readonly reserveAll;
  private readonly settleAll;
  private readonly sweepOwners;
  private readonly releaseStep;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly database: BetterSqlite3.Database,
    table: string,
    private readonly owners: CounterOwners,
    private readonly options: SqliteBudgetCounterStoreOptions,
    leaseMs: number,
    private readonly now: () => number,
  ) {
    this.select = database.prepare<[string], Row>(
      `SELECT spent, reserved FROM ${table} WHERE key = ?`,
    );
    this.upsert = database.prepare(
      `INSERT INTO ${table} (key, spent, reserved, expires_at) VALUES (@key, @spent, MAX(0, @reserved), @expiresAt)
       ON CONFLICT(key) DO UPDATE SET spent = spent + @spent, reserved = MAX(0, reserved + @reserved), expires_at = MAX(expires_at, @expiresAt)`,
    );
    this.forgetExpired = database.prepare<[number, number]>(
      `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE expires_at < ? AND reserved = 0 LIMIT ?)`,
    );
    this.reserveAll = database.transaction((reservations: readonly CounterReservation[]) =>
      this.reserveNow(reservations),
    );
    this.settleAll = database.transaction((settlements: readonly CounterSettlement[]) =>
      settlements.map((settlement) => this.settleNow(settlement)),
    );
    this.sweepOwners = database.transaction(() => {
      owners.renew();
      owners.dropGoneOwners();
    });
    // Old windows' keys are never read again: they are forgotten a step at a time as well.
    this.releaseStep = database.transaction(() => {
      const released = owners.releaseOrphans(STEP);
      const forgotten = this.forgetExpired.run(this.now(), STEP).changes;
      return { released, more: released === STEP || forgotten === STEP };
    });
    database.transaction(() => owners.register()).immediate();
    this.sweep();
    this.timer = setInterval(() => this.sweepInBackground(), Math.min(leaseMs / 4, 2 ** 31 - 1));
    this.timer.unref();
  }

  reserve(reservations: readonly CounterReservation[]): ReserveOutcome {
    return this.reserveAll.immediate(reservations);
  }

  settle(settlements: readonly CounterSettlement[]): CounterState[] {
    return this.settleAll.immediate(settlements);
  }

  read(key: string): CounterState {
    const row = this.select.get(key);
    return { spentMicros: row?.spent ?? 0, reservedMicros: row?.reserved ?? 0 };
  }

  sweep(): number {
    this.sweepOwners.immediate();
    let released = 0;
    for (;;) {
      const step = this.releaseStep.immediate();
      released += step.released;
      if (!step.more) return released;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    try {
      this.database.transaction(() => this.owners.leave()).immediate();
    } finally {
      this.database.close();
    }
  }

  private reserveNow(reservations: readonly CounterReservation[]): ReserveOutcome {
    for (const reservation of reservations) {
      const state = this.read(reservation.key);
      const limit = reservation.limitMicros;
      if (
        limit !== undefined &&
        state.spentMicros + state.reservedMicros + reservation.amountMicros > limit
      ) {
        return { admitted: false, key: reservation.key, state, limitMicros: limit };
      }
    }
    for (const reservation of reservations) {
      this.upsert.run({
        key: reservation.key,
        spent: 0,
        reserved: reservation.amountMicros,
        expiresAt: reservation.expiresAt,
      });
      this.owners.hold(reservation.holder, reservation.key, reservation.amountMicros);
    }
    return { admitted: true };
  }

  private settleNow(settlement: CounterSettlement): CounterState {
    const released = this.owners.take(settlement.holder, settlement.key, settlement.reservedMicros);
    this.upsert.run({
      key: settlement.key,
      spent: settlement.actualMicros,
      reserved: -released,
      expiresAt: settlement.expiresAt,
    });
    return this.read(settlement.key);
  }

  // Off the request path: one short transaction per step, the event loop free between them.
  private sweepInBackground(): void {
    if (this.closed) return;
    try {
      this.sweepOwners.immediate();
    } catch (error) {
      this.options.onError?.(error);
      return;
    }
    const step = () => {
      if (this.closed) return;
      try {
        if (this.releaseStep.immediate().more) setImmediate(step).unref();
      } catch (error) {
        this.options.onError?.(error);
      }
    };
    step();
  }
}
