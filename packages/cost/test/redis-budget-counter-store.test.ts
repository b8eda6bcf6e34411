import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  type CounterReservation,
  failFastRedisOptions,
  ledgerCounterSeeder,
  MemoryLedger,
  openRedisBudgetCounterStore,
  type RedisBudgetCounterStore,
  type RedisBudgetCounterStoreOptions,
  watchRedisConnection,
  windowAt,
} from '@loom/cost';
import { startTcpProxy } from '@loom/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';

const redisUrl = process.env.LOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisReachable = await (async () => {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();
if (!redisReachable)
  console.warn(`Redis budget tests skipped: no Redis at ${redisUrl} (set LOOM_TEST_REDIS_URL)`);

const opened: Array<{ close(): Promise<void> | void }> = [];
const admin = redisReachable ? new Redis(redisUrl) : undefined;
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});
afterAll(() => admin?.disconnect());

/** A store on its own client, under a prefix no other test uses (the Redis is shared). */
async function open(
  prefix: string,
  options: Partial<RedisBudgetCounterStoreOptions> = {},
): Promise<RedisBudgetCounterStore> {
  const store = await openRedisBudgetCounterStore({ url: redisUrl, prefix, ...options });
  opened.push(store);
  return store;
}

const freshPrefix = () => `{loom-test-${randomUUID()}}:`;
const inAnHour = () => Date.now() + 3_600_000;
const slot = (key: string, holder: string, limitMicros?: number): CounterReservation => ({
  key,
  amountMicros: 1000,
  expiresAt: inAnHour(),
  holder,
  ...(limitMicros === undefined ? {} : { limitMicros }),
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.runIf(redisReachable)('Redis budget counters', () => {
  it('admits exactly 50 of 500 concurrent reservations from three clients on a budget that fits 50', async () => {
    const prefix = freshPrefix();
    const stores = await Promise.all([open(prefix), open(prefix), open(prefix)]);
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, (_, index) =>
        stores[index % 3]!.reserve([slot('block|global|total', `r${index}`, 50_000)]),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(50);
    expect(await stores[0]!.read('block|global|total')).toEqual({
      spentMicros: 0,
      reservedMicros: 50_000,
    });
    const refused = outcomes.find((outcome) => !outcome.admitted);
    expect(refused).toMatchObject({ key: 'block|global|total', limitMicros: 50_000 });
  });

  it('is all or nothing across scopes, and settle releases the hold and adds the actual cost', async () => {
    const store = await open(freshPrefix());
    const global = 'b|global|2026-01-15';
    const team = 'b|tag:team=search|2026-01-15';
    await store.reserve([{ ...slot(team, 'filler', 1500), amountMicros: 1200 }]);
    const refused = await store.reserve([slot(global, 'x', 10_000), slot(team, 'x', 1500)]);
    expect(refused).toMatchObject({ admitted: false, key: team });
    expect(await store.read(global)).toEqual({ spentMicros: 0, reservedMicros: 0 });

    expect(await store.reserve([slot(global, 'y', 10_000)])).toEqual({ admitted: true });
    const states = await store.settle([
      { key: global, reservedMicros: 1000, actualMicros: 300, expiresAt: inAnHour(), holder: 'y' },
      {
        key: team,
        reservedMicros: 1200,
        actualMicros: 1100,
        expiresAt: inAnHour(),
        holder: 'filler',
      },
    ]);
    expect(states).toEqual([
      { spentMicros: 300, reservedMicros: 0 },
      { spentMicros: 1100, reservedMicros: 0 },
    ]);
    // A second settle of the same holder releases nothing more (exactly once) but adds its spend.
    await store.settle([
      { key: global, reservedMicros: 1000, actualMicros: 0, expiresAt: inAnHour(), holder: 'y' },
    ]);
    expect(await store.read(global)).toEqual({ spentMicros: 300, reservedMicros: 0 });
    // Without a holder the reserved amount given is released.
    await store.reserve([{ ...slot(global, ''), holder: undefined }]);
    await store.settle([
      { key: global, reservedMicros: 1000, actualMicros: 50, expiresAt: inAnHour() },
    ]);
    expect(await store.read(global)).toEqual({ spentMicros: 350, reservedMicros: 0 });
  });

  it('seeds a missing counter from the ledger once, even with two gateways seeding at once', async () => {
    const prefix = freshPrefix();
    const now = Date.UTC(2026, 0, 15, 18);
    const day = windowAt(now, 'day', 'UTC').id;
    const ledger = new MemoryLedger();
    await ledger.append([
      makeRecord({ id: 'today-1', costMicros: 4000 }),
      makeRecord({ id: 'today-2', costMicros: 2500 }),
      makeRecord({ id: 'groq', provider: 'groq', costMicros: 999 }),
      makeRecord({ id: 'yesterday', time: Date.UTC(2026, 0, 14, 12), costMicros: 70_000 }),
    ]);
    let queries = 0;
    const seeder = ledgerCounterSeeder({
      ledger,
      budgets: [{ name: 'daily', limitUsd: 1, scope: 'provider', action: 'block' }],
      now: () => now,
    });
    const counting = async (key: string) => {
      queries += 1;
      // Both gateways read the ledger before either writes: the race SET NX must absorb.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return seeder(key);
    };
    const first = await open(prefix, { seed: counting });
    const second = await open(prefix, { seed: counting });
    const key = `daily|provider:openai|${day}`;
    await Promise.all([
      first.reserve([slot(key, 'a', 1_000_000)]),
      second.reserve([slot(key, 'b', 1_000_000)]),
    ]);
    expect(queries).toBe(2);
    expect(await first.read(key)).toEqual({ spentMicros: 6500, reservedMicros: 2000 });

    // Redis lost the key (restart): the next use seeds it again, from the ledger alone.
    await admin!.del(`${prefix}${key}`, `${prefix}${key}:leases`);
    expect(await second.read(key)).toEqual({ spentMicros: 6500, reservedMicros: 0 });
    expect(queries).toBe(3);
  });

  it('lets counter keys expire at their window end plus grace, and never for total windows', async () => {
    const prefix = freshPrefix();
    const store = await open(prefix, { minTtlMs: 100 });
    const endsAt = Date.now() + 60_000;
    await store.reserve([{ ...slot('w|global|hour', 'h'), expiresAt: endsAt }]);
    await store.reserve([{ ...slot('t|global|total', 'h'), expiresAt: Number.POSITIVE_INFINITY }]);
    expect(await admin!.call('PEXPIRETIME', `${prefix}w|global|hour`)).toBe(endsAt);
    expect(await admin!.call('PEXPIRETIME', `${prefix}w|global|hour:leases`)).toBe(endsAt);
    expect(await admin!.pttl(`${prefix}t|global|total`)).toBe(-1);

    await store.reserve([{ ...slot('short|global|x', 'h'), expiresAt: Date.now() + 150 }]);
    await until(async () => (await admin!.exists(`${prefix}short|global|x`)) === 0);
    expect(await store.read('short|global|x')).toEqual({ spentMicros: 0, reservedMicros: 0 });
  });

  it('reaps the reservation of a gateway that crashed when its lease runs out', async () => {
    const prefix = freshPrefix();
    const crashed = await open(prefix, { leaseMs: 300 });
    const survivor = await open(prefix, { leaseMs: 60_000 });
    const key = 'lease|global|total';
    expect(await crashed.reserve([slot(key, 'crashed', 1000)])).toEqual({ admitted: true });
    expect((await survivor.reserve([slot(key, 'waiting', 1000)])).admitted).toBe(false);
    await crashed.close();
    await until(async () => (await survivor.reserve([slot(key, 'waiting', 1000)])).admitted);
    expect(await survivor.read(key)).toEqual({ spentMicros: 0, reservedMicros: 1000 });
    // The crashed request's late settle adds its spend but cannot release the survivor's hold.
    await survivor.settle([
      { key, reservedMicros: 1000, actualMicros: 10, expiresAt: inAnHour(), holder: 'crashed' },
    ]);
    expect(await survivor.read(key)).toEqual({ spentMicros: 10, reservedMicros: 1000 });
  });

  it('fails closed while Redis is unreachable, without hanging, and recovers when it returns', async () => {
    const proxy = await startTcpProxy(redisUrl, 6379);
    opened.push(proxy);
    const prefix = freshPrefix();
    const client = new Redis(proxy.url, failFastRedisOptions(500));
    opened.push({ close: () => client.disconnect() });
    const store = await open(prefix, { client });
    const states: string[] = [];
    store.onStateChange((state) => states.push(state));
    expect(store.state()).toBe('ready');
    expect(await store.reserve([slot('c|global|total', 'one', 5000)])).toEqual({ admitted: true });

    proxy.cut();
    await until(() => store.state() === 'down');
    const started = Date.now();
    const refused = await store.reserve([slot('c|global|total', 'two', 5000)]).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(refused).toMatchObject({ code: 'budget_unavailable', statusCode: 503 });
    expect(refused.message).toMatch(/Budgets cannot be checked/);
    // Alert-only budgets are still counted, on this node, and reach Redis on recovery.
    expect(await store.reserve([slot('c|alert|total', 'three')])).toEqual({ admitted: true });
    await store.settle([
      {
        key: 'c|alert|total',
        reservedMicros: 1000,
        actualMicros: 700,
        expiresAt: inAnHour(),
        holder: 'three',
      },
    ]);
    expect(store.unreconciledMicros).toBe(700);

    proxy.restore();
    await until(() => store.state() === 'ready');
    expect(states).toEqual(['down', 'ready']);
    expect(await store.reserve([slot('c|global|total', 'four', 5000)])).toEqual({ admitted: true });
    await until(() => store.unreconciledMicros === 0);
    expect(await store.read('c|alert|total')).toEqual({ spentMicros: 700, reservedMicros: 0 });
  });

  it('fails open when asked: admits on node-local counters and pushes their spend on recovery', async () => {
    const proxy = await startTcpProxy(redisUrl, 6379);
    opened.push(proxy);
    const prefix = freshPrefix();
    const store = await open(prefix, { url: proxy.url, onUnavailable: 'open' });
    await store.reserve([slot('o|global|total', 'before', 3000)]);
    await store.settle([
      {
        key: 'o|global|total',
        reservedMicros: 1000,
        actualMicros: 1000,
        expiresAt: inAnHour(),
        holder: 'before',
      },
    ]);

    proxy.cut();
    await until(() => store.state() === 'down');
    // The node-local counter starts from zero: three fit locally, the fourth does not.
    const local = [];
    for (let index = 0; index < 4; index += 1)
      local.push(await store.reserve([slot('o|global|total', `down-${index}`, 3000)]));
    expect(local.map((outcome) => outcome.admitted)).toEqual([true, true, true, false]);
    await store.settle([
      {
        key: 'o|global|total',
        reservedMicros: 1000,
        actualMicros: 400,
        expiresAt: inAnHour(),
        holder: 'down-0',
      },
    ]);

    proxy.restore();
    await until(() => store.state() === 'ready');
    await until(() => store.unreconciledMicros === 0);
    expect((await store.read('o|global|total')).spentMicros).toBe(1400);
  });

  it('pushes the spend of a request admitted during the outage that settles after Redis is back', async () => {
    const proxy = await startTcpProxy(redisUrl, 6379);
    opened.push(proxy);
    const prefix = freshPrefix();
    const store = await open(prefix, { url: proxy.url, onUnavailable: 'open' });
    await store.read('s|global|total');
    proxy.cut();
    await until(() => store.state() === 'down');
    const admitted = await store.reserve([slot('s|global|total', 'straddling', 3000)]);
    expect(admitted.admitted).toBe(true);
    proxy.restore();
    await until(() => store.state() === 'ready');
    // Its admission was local, so it settles locally; Redis is up: the spend goes there now,
    // not at the next recovery (which may never come).
    await store.settle([
      {
        key: 's|global|total',
        reservedMicros: 1000,
        actualMicros: 600,
        expiresAt: inAnHour(),
        holder: 'straddling',
      },
    ]);
    await until(() => store.unreconciledMicros === 0, 2_000);
    expect((await store.read('s|global|total')).spentMicros).toBe(600);
  });
});

describe('watching a Redis connection', () => {
  it('takes the errors of a client passed in without a listener, so they cannot end the process', () => {
    const client = Object.assign(new EventEmitter(), { status: 'ready' }) as unknown as Redis;
    const watch = watchRedisConnection(client);
    // ioredis emits a few errors directly rather than through its logged connection errors.
    expect(() => client.emit('error', new Error('Command queue state error'))).not.toThrow();
    client.emit('close');
    expect(watch.state()).toBe('down');
    watch.close();
    expect(client.listenerCount('error')).toBe(0);
  });
});
