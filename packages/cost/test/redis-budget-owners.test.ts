import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';

import { openRedisBudgetCounterStore, type RedisBudgetCounterStore } from '@loom/cost';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  currentLeaseOwner,
  type LeaseOwner,
  ownerIsGone,
  ownerKey,
} from '../src/budgets/redis-lease-owner.js';
import { killHard, runFixture } from './fixtures/run-fixture.js';
import { freshPrefix, redisReachable, redisUrl } from './redis-helpers.js';

const opened: Array<{ close(): Promise<void> | void }> = [];
const children: ChildProcess[] = [];
const admin = redisReachable ? new Redis(redisUrl) : undefined;
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const item of opened.splice(0).reverse()) await item.close();
});
afterAll(() => admin?.disconnect());

/** Another gateway process on this host that holds 1000 micro-dollars on `key`. */
async function reservingProcess(
  prefix: string,
  key: string,
  holder: string,
): Promise<ChildProcess> {
  const child = await runFixture('redis-reserver.ts', [redisUrl, prefix, key, holder], 'reserved');
  children.push(child);
  return child;
}

async function open(prefix: string): Promise<RedisBudgetCounterStore> {
  const store = await openRedisBudgetCounterStore({ url: redisUrl, prefix });
  opened.push(store);
  return store;
}

describe.runIf(redisReachable)('Redis budget reservations of dead processes', () => {
  it('are released as soon as a store opens on the same host; a live process keeps its own', async () => {
    const prefix = freshPrefix();
    const key = 'owners|global|total';
    const killed = await reservingProcess(prefix, key, 'killed');
    const alive = await reservingProcess(prefix, key, 'alive');
    const running = await open(prefix);
    expect(await running.read(key)).toEqual({ spentMicros: 0, reservedMicros: 2000 });
    await killHard(killed);
    // Until a store opens, the 10-minute lease holds what the killed process reserved.
    expect(await running.read(key)).toEqual({ spentMicros: 0, reservedMicros: 2000 });

    const restarted = await open(prefix);
    expect(await restarted.read(key)).toEqual({ spentMicros: 0, reservedMicros: 1000 });
    expect(await admin?.zrange(`${prefix}${key}:leases`, '0', '-1')).toEqual(['alive']);
    // Forgotten: the next start has nothing to look at.
    expect(await admin?.smembers(`${prefix}host:${hostname()}`)).toHaveLength(1);

    await killHard(alive);
    await open(prefix);
    expect(await running.read(key)).toEqual({ spentMicros: 0, reservedMicros: 0 });
    expect(await admin?.exists(`${prefix}host:${hostname()}`)).toBe(0);
    expect(await admin?.zcard(`${prefix}${key}:leases`)).toBe(0);
  }, 60_000);

  it('settling a reservation takes it off its owner, so nothing is released twice', async () => {
    const prefix = freshPrefix();
    const key = 'owners|global|total';
    const store = await open(prefix);
    const common = { key, expiresAt: Number.POSITIVE_INFINITY, holder: 'settled' };
    await store.reserve([{ ...common, amountMicros: 1000 }]);
    const owner = ownerKey(prefix, currentLeaseOwner());
    expect(await admin?.smembers(owner)).toEqual([`settled\n${prefix}${key}`]);
    await store.settle([{ ...common, reservedMicros: 1000, actualMicros: 400 }]);
    expect(await admin?.scard(owner)).toBe(0);
  });
});

describe('judging whether a lease owner is gone', () => {
  const self: LeaseOwner = { host: 'gw-1', space: 'boot/pid:[1]', pid: 1, start: '2000' };
  const alive = (pid: number, start: string) => pid === 7 && start === '1000';

  it('is gone when its process no longer runs in this pid space', () => {
    expect(ownerIsGone({ ...self, pid: 8, start: '1000' }, self, alive)).toBe(true);
    expect(ownerIsGone({ ...self, pid: 7, start: '1000' }, self, alive)).toBe(false);
    // The pid runs, but a later process took it.
    expect(ownerIsGone({ ...self, pid: 7, start: '900' }, self, alive)).toBe(true);
  });

  it('is never judged from another pid space, whose pids this process cannot see', () => {
    expect(ownerIsGone({ ...self, space: 'boot/pid:[2]', pid: 8 }, self, alive)).toBe(false);
  });

  const current = currentLeaseOwner();
  it.runIf(current.start !== '')(
    'is gone when it ran under our own pid before us (a container restarted in place)',
    () => {
      expect(ownerIsGone({ ...current, start: '1' }, current)).toBe(true);
      expect(ownerIsGone(current, current)).toBe(false);
    },
  );
});
