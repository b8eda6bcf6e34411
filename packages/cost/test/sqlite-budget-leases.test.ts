// Issue #23: SQLite budget counters record each reservation with its holder and owner, so what
// a crashed or silent process reserved is released, and a live one's never is.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteBudgetCounterStore, type SqliteBudgetCounterStore } from '@loom/cost';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { currentProcess } from '../src/budgets/process-identity.js';
import { killHard, runFixture } from './fixtures/run-fixture.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-counter-leases-'));
let files = 0;
const freshPath = () => join(directory, `counters-${files++}.db`);
const KEY = 'total|global|all';
const FOREVER = Number.POSITIVE_INFINITY;
const opened: SqliteBudgetCounterStore[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function open(path: string, options: { leaseMs?: number; now?: () => number } = {}) {
  const store = await openSqliteBudgetCounterStore({ path, ...options });
  opened.push(store);
  return store;
}

const reserve = (store: SqliteBudgetCounterStore, holder: string, amount: number, limit?: number) =>
  store.reserve([
    {
      key: KEY,
      amountMicros: amount,
      expiresAt: FOREVER,
      holder,
      ...(limit === undefined ? {} : { limitMicros: limit }),
    },
  ]);
const settle = (
  store: SqliteBudgetCounterStore,
  holder: string,
  reserved: number,
  actual: number,
) =>
  store.settle([
    { key: KEY, reservedMicros: reserved, actualMicros: actual, expiresAt: FOREVER, holder },
  ]);

/** A child process that reserves 350 on KEY (300 as three holders, 50 without) and stays. */
async function childHolding(path: string, leaseMs = 120_000): Promise<ChildProcess> {
  const child = await runFixture('counter-holder.ts', [path, String(leaseMs)], 'reserved');
  children.push(child);
  return child;
}

describe('SQLite budget counters after a crash', () => {
  it('keep a live process’s reservations, and release them at the next open once it is killed', async () => {
    const path = freshPath();
    const seed = await open(path);
    reserve(seed, 'spent', 40);
    settle(seed, 'spent', 40, 40);
    const child = await childHolding(path);
    const beside = await open(path);
    expect(beside.read(KEY)).toEqual({ spentMicros: 40, reservedMicros: 350 });
    expect(beside.sweep()).toBe(0);
    expect(beside.read(KEY).reservedMicros).toBe(350);

    await killHard(child);
    // Every store here is closed: the next open finds no live owner.
    for (const store of opened.splice(0)) store.close();
    const restarted = await open(path);
    expect(restarted.read(KEY)).toEqual({ spentMicros: 40, reservedMicros: 0 });
    expect(reserve(restarted, 'next', 960, 1_000)).toEqual({ admitted: true });
  }, 30_000);

  it('release a killed process’s reservations beside a live store, leaving that store’s own', async () => {
    const path = freshPath();
    const live = await open(path);
    reserve(live, 'mine', 70);
    const child = await childHolding(path);
    await killHard(child);
    // A second store opening now releases the dead owner's share and nothing else.
    const next = await open(path);
    expect(next.read(KEY).reservedMicros).toBe(70);
    expect(settle(live, 'mine', 70, 65)).toEqual([{ spentMicros: 65, reservedMicros: 0 }]);
  }, 30_000);

  it('release a killed process’s reservations within a sweep of a store that stays open', async () => {
    const path = freshPath();
    // A short lease only for the fast timer; the child's is long: its pid alone tells it is gone.
    const live = await open(path, { leaseMs: 400 });
    const child = await childHolding(path);
    expect(live.read(KEY).reservedMicros).toBe(350);
    await killHard(child);
    // No call: the store sweeps every quarter lease on its own timer.
    const deadline = Date.now() + 5_000;
    while (live.read(KEY).reservedMicros !== 0 && Date.now() < deadline) await sleep(20);
    expect(live.read(KEY).reservedMicros).toBe(0);
  }, 30_000);

  it.skipIf(currentProcess().start === '')(
    'tell a reused pid apart by the start time recorded with it',
    async () => {
      const path = freshPath();
      const first = await open(path);
      reserve(first, 'old', 30);
      const self = currentProcess();
      // The owner's row as a process of this pid that started at another time would have left it.
      const database = new Database(path);
      database
        .prepare('UPDATE loom_budget_counters_owners SET start = ? WHERE pid = ?')
        .run(`${self.start}0`, self.pid);
      database.close();
      const second = await open(path);
      expect(second.read(KEY).reservedMicros).toBe(0);
      // Its settle after the release finds nothing left to release.
      expect(settle(first, 'old', 30, 30)).toEqual([{ spentMicros: 30, reservedMicros: 0 }]);
    },
  );
});

describe('SQLite budget counter leases', () => {
  it('sweep a store’s reservations once its lease ran out, and its late settle never goes negative', async () => {
    const path = freshPath();
    let now = 1_000_000;
    const silent = await open(path, { leaseMs: 60_000, now: () => now });
    reserve(silent, 'stuck', 500, 1_000);
    const other = await open(path, { leaseMs: 60_000, now: () => now });
    expect(reserve(other, 'fits', 600, 1_000)).toMatchObject({ admitted: false });
    now += 30_000;
    expect(other.sweep()).toBe(0);
    now += 31_000;
    expect(other.sweep()).toBe(1);
    expect(other.sweep()).toBe(0);
    expect(other.read(KEY).reservedMicros).toBe(0);
    expect(reserve(other, 'fits', 600, 1_000)).toEqual({ admitted: true });
    // The silent store comes back: its settle spends but releases nothing of the other's hold.
    expect(settle(silent, 'stuck', 500, 200)).toEqual([{ spentMicros: 200, reservedMicros: 600 }]);
    expect(settle(other, 'fits', 600, 600)).toEqual([{ spentMicros: 800, reservedMicros: 0 }]);
  });

  it('renew a live store’s lease at each sweep, so its reservations stay', async () => {
    const path = freshPath();
    let now = 1_000_000;
    const live = await open(path, { leaseMs: 60_000, now: () => now });
    reserve(live, 'long-stream', 300);
    const other = await open(path, { leaseMs: 60_000, now: () => now });
    for (let minute = 0; minute < 5; minute += 1) {
      now += 40_000;
      live.sweep();
      other.sweep();
    }
    expect(other.read(KEY).reservedMicros).toBe(300);
  });

  it('share one file between two stores: one limit, and closing one releases only its own', async () => {
    const path = freshPath();
    const first = await open(path);
    const second = await open(path);
    const outcomes = Array.from({ length: 10 }, (_, index) =>
      reserve(index % 2 ? first : second, `h${index}`, 100, 550),
    );
    expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(5);
    expect(first.read(KEY).reservedMicros).toBe(500);
    // An extension by the same holder is part of its reservation, released as one at settle.
    reserve(first, 'h1', 50, 550);
    expect(settle(first, 'h1', 150, 120)).toEqual([{ spentMicros: 120, reservedMicros: 400 }]);
    first.close();
    expect(second.read(KEY)).toEqual({ spentMicros: 120, reservedMicros: 300 });
  });

  it('settle reservations made without a holder from the shared one', async () => {
    const path = freshPath();
    const store = await open(path);
    store.reserve([{ key: KEY, amountMicros: 80, expiresAt: FOREVER }]);
    store.reserve([{ key: KEY, amountMicros: 20, expiresAt: FOREVER }]);
    store.settle([{ key: KEY, reservedMicros: 80, actualMicros: 10, expiresAt: FOREVER }]);
    expect(store.read(KEY)).toEqual({ spentMicros: 10, reservedMicros: 20 });
    store.settle([{ key: KEY, reservedMicros: 500, actualMicros: 0, expiresAt: FOREVER }]);
    expect(store.read(KEY)).toEqual({ spentMicros: 10, reservedMicros: 0 });
  });

  it('open a file of an older version, releasing the reservations it left without holders', async () => {
    const path = freshPath();
    const old = new Database(path);
    old.exec(
      'CREATE TABLE loom_budget_counters (key TEXT PRIMARY KEY, spent INTEGER NOT NULL, reserved INTEGER NOT NULL, expires_at INTEGER NOT NULL)',
    );
    old
      .prepare('INSERT INTO loom_budget_counters VALUES (?, ?, ?, ?)')
      .run(KEY, 250, 184_000, 9e15);
    old.close();
    const store = await open(path);
    expect(store.read(KEY)).toEqual({ spentMicros: 250, reservedMicros: 0 });
  });
});
