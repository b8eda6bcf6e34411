import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { currentProcess, type ProcessIdentity, processAlive } from './process-identity.js';

type OwnerRow = { owner: string; pid: number; space: string; start: string; lease_until: number };
type HoldRow = { holder: string; key: string; amount: number };

/**
 * Adds the tables of reservations (`<table>_holds`: holder, counter key, owner, amount) and of
 * their owners (`<table>_owners`: one open store each, with its process and lease) next to the
 * counters. Both are new, so a file written by an older version opens unchanged.
 */
export function createHoldTables(database: BetterSqlite3.Database, table: string): void {
  database.exec(`
    CREATE TABLE IF NOT EXISTS ${table}_owners (owner TEXT PRIMARY KEY, host TEXT NOT NULL,
      pid INTEGER NOT NULL, space TEXT NOT NULL, start TEXT NOT NULL, lease_until INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS ${table}_holds (holder TEXT NOT NULL, key TEXT NOT NULL,
      owner TEXT NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (holder, key)) WITHOUT ROWID;`);
}

/**
 * The reservations of one open store (its owner id) and the release of those whose owner is
 * gone. An owner is gone when its lease ran out (it stopped renewing: crashed elsewhere, or
 * hung), or when it ran in this pid space and its process no longer does. Callers run every
 * method but `hold` and `take` in an IMMEDIATE transaction of their own; those two join the
 * caller's.
 */
export class CounterOwners {
  /** This store's owner id. */
  readonly id = randomUUID();
  private readonly anonymous = `~${this.id}`;
  private readonly statements;

  constructor(
    database: BetterSqlite3.Database,
    table: string,
    private readonly leaseMs: number,
    private readonly now: () => number,
    private readonly self: ProcessIdentity = currentProcess(),
  ) {
    const holds = `${table}_holds`;
    const owners = `${table}_owners`;
    this.statements = {
      owners: database.prepare<[], OwnerRow>(
        `SELECT owner, pid, space, start, lease_until FROM ${owners}`,
      ),
      dropOwner: database.prepare<[string]>(`DELETE FROM ${owners} WHERE owner = ?`),
      renew: database.prepare(
        `INSERT INTO ${owners} (owner, host, pid, space, start, lease_until)
         VALUES (@owner, @host, @pid, @space, @start, @leaseUntil)
         ON CONFLICT(owner) DO UPDATE SET lease_until = excluded.lease_until`,
      ),
      hold: database.prepare(
        `INSERT INTO ${holds} (holder, key, owner, amount) VALUES (?, ?, ?, ?)
         ON CONFLICT(holder, key) DO UPDATE SET amount = amount + excluded.amount`,
      ),
      find: database.prepare<[string, string], { amount: number }>(
        `SELECT amount FROM ${holds} WHERE holder = ? AND key = ?`,
      ),
      takeAll: database.prepare<[string, string], { amount: number }>(
        `DELETE FROM ${holds} WHERE holder = ? AND key = ? RETURNING amount`,
      ),
      shrink: database.prepare<[number, string, string]>(
        `UPDATE ${holds} SET amount = amount - ? WHERE holder = ? AND key = ?`,
      ),
      drop: database.prepare<[string, string]>(`DELETE FROM ${holds} WHERE holder = ? AND key = ?`),
      unreserve: database.prepare<[number, string]>(
        `UPDATE ${table} SET reserved = MAX(0, reserved - ?) WHERE key = ?`,
      ),
      orphans: database.prepare<[number], HoldRow>(
        `SELECT holder, key, amount FROM ${holds} AS hold
         WHERE NOT EXISTS (SELECT 1 FROM ${owners} AS owner WHERE owner.owner = hold.owner) LIMIT ?`,
      ),
      own: database.prepare<[string], HoldRow>(
        `SELECT holder, key, amount FROM ${holds} WHERE owner = ?`,
      ),
      resetReserved: database.prepare(`UPDATE ${table} SET reserved = 0 WHERE reserved <> 0`),
      dropHolds: database.prepare(`DELETE FROM ${holds}`),
    };
  }

  /**
   * Joins the file: drops gone owners and, when no other owner is left, releases every
   * reservation, those an older version left without holds included (nobody can settle them).
   */
  register(): void {
    this.dropGoneOwners();
    if (this.statements.owners.all().length === 0) {
      this.statements.resetReserved.run();
      this.statements.dropHolds.run();
    }
    this.renew();
  }

  /** Extends this store's lease (and recreates its row if another store took it for gone). */
  renew(): void {
    const { host, pid, space, start } = this.self;
    const leaseUntil = this.now() + this.leaseMs;
    this.statements.renew.run({ owner: this.id, host, pid, space, start, leaseUntil });
  }

  /** Removes the rows of gone owners: their reservations are left to `releaseOrphans`. */
  dropGoneOwners(): number {
    const now = this.now();
    let dropped = 0;
    for (const row of this.statements.owners.all()) {
      if (row.owner === this.id || !this.gone(row, now)) continue;
      this.statements.dropOwner.run(row.owner);
      dropped += 1;
    }
    return dropped;
  }

  private gone(row: OwnerRow, now: number): boolean {
    if (row.lease_until < now) return true;
    return row.space === this.self.space && !processAlive(row.pid, row.start);
  }

  /** Releases up to `limit` reservations whose owner has no row; returns how many. */
  releaseOrphans(limit: number): number {
    const rows = this.statements.orphans.all(limit);
    for (const row of rows) this.release(row);
    return rows.length;
  }

  /** Releases everything this store holds and leaves the file (at close). */
  leave(): void {
    for (const row of this.statements.own.all(this.id)) this.release(row);
    this.statements.dropOwner.run(this.id);
  }

  private release(row: HoldRow): void {
    this.statements.unreserve.run(row.amount, row.key);
    this.statements.drop.run(row.holder, row.key);
  }

  /** Records `amount` more held by `holder` on `key` (reservations without a holder share one). */
  hold(holder: string | undefined, key: string, amount: number): void {
    this.statements.hold.run(holder ?? this.anonymous, key, this.id, amount);
  }

  /**
   * Ends a holder's reservation on `key` and returns what it still held there: nothing when a
   * sweep already released it. Without a holder, up to `reserved` of the shared one.
   */
  take(holder: string | undefined, key: string, reserved: number): number {
    if (holder !== undefined) return this.statements.takeAll.get(holder, key)?.amount ?? 0;
    const held = this.statements.find.get(this.anonymous, key)?.amount ?? 0;
    const released = Math.min(held, Math.max(0, reserved));
    if (released >= held) this.statements.drop.run(this.anonymous, key);
    else this.statements.shrink.run(released, this.anonymous, key);
    return released;
  }
}
