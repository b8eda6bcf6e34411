import type BetterSqlite3 from 'better-sqlite3';
import { loadOptional } from '../ledger/load-optional.js';
import type {
  BudgetCounterStore,
  CounterReservation,
  CounterSettlement,
  CounterState,
  ReserveOutcome,
} from './budget-counter-store.js';

/** Where the counters live. */
export interface SqliteBudgetCounterStoreOptions {
  /** Database file (the ledger's file is fine: a separate table is used). */
  path: string;
  /** Table name; default `loom_budget_counters`. */
  table?: string;
  /** Clock for forgetting expired windows, epoch milliseconds. */
  now?: () => number;
}

type Row = { spent: number; reserved: number };

/**
 * Budget counters in SQLite, so they survive a restart. `reserve` runs as one IMMEDIATE
 * transaction: better-sqlite3 is synchronous, so within a process it cannot interleave, and the
 * write lock taken at BEGIN makes it atomic against other processes sharing the file too.
 */
export async function openSqliteBudgetCounterStore(
  options: SqliteBudgetCounterStoreOptions,
): Promise<BudgetCounterStore & { close(): void }> {
  const module = await loadOptional('better-sqlite3', 'SQLite', () => import('better-sqlite3'));
  const table = options.table ?? 'loom_budget_counters';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
    throw new RangeError(`Invalid table name '${table}'`);
  const now = options.now ?? Date.now;
  const database: BetterSqlite3.Database = new module.default(options.path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, spent INTEGER NOT NULL, reserved INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
  );
  const select = database.prepare<[string], Row>(
    `SELECT spent, reserved FROM ${table} WHERE key = ?`,
  );
  const upsert = database.prepare(
    `INSERT INTO ${table} (key, spent, reserved, expires_at) VALUES (@key, @spent, @reserved, @expiresAt)
     ON CONFLICT(key) DO UPDATE SET spent = spent + @spent, reserved = MAX(0, reserved + @reserved), expires_at = MAX(expires_at, @expiresAt)`,
  );
  const sweep = database.prepare(`DELETE FROM ${table} WHERE expires_at < ?`);
  const read = (key: string): CounterState => {
    const row = select.get(key);
    return { spentMicros: row?.spent ?? 0, reservedMicros: row?.reserved ?? 0 };
  };

  const reserve = database.transaction(
    (reservations: readonly CounterReservation[]): ReserveOutcome => {
      for (const reservation of reservations) {
        const state = read(reservation.key);
        const limit = reservation.limitMicros;
        if (
          limit !== undefined &&
          state.spentMicros + state.reservedMicros + reservation.amountMicros > limit
        ) {
          return { admitted: false, key: reservation.key, state, limitMicros: limit };
        }
      }
      for (const reservation of reservations) {
        upsert.run({
          key: reservation.key,
          spent: 0,
          reserved: reservation.amountMicros,
          expiresAt: reservation.expiresAt,
        });
      }
      return { admitted: true };
    },
  );
  const settle = database.transaction((settlements: readonly CounterSettlement[]): CounterState[] =>
    settlements.map((settlement) => {
      upsert.run({
        key: settlement.key,
        spent: settlement.actualMicros,
        reserved: -settlement.reservedMicros,
        expiresAt: settlement.expiresAt,
      });
      return read(settlement.key);
    }),
  );
  let writes = 0;

  return {
    reserve(reservations) {
      const outcome = reserve.immediate(reservations);
      // Old windows' keys are never read again; drop them now and then.
      if (++writes % 1024 === 0) sweep.run(now());
      return outcome;
    },
    settle: (settlements) => settle.immediate(settlements),
    read,
    close: () => database.close(),
  };
}
