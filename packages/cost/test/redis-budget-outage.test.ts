import {
  type BudgetConfig,
  ledgerCounterSeeder,
  MemoryLedger,
  openRedisBudgetCounterStore,
  type RedisBudgetCounterStore,
} from '@loom/cost';
import { startTcpProxy, type TcpProxy } from '@loom/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OutageSpend } from '../src/budgets/redis-outage-spend.js';
import { makeRecord } from './ledger-conformance.js';
import { freshPrefix, loseData, redisReachable, redisUrl, until } from './redis-helpers.js';

const budgets: BudgetConfig[] = [
  { name: 'cap', limitUsd: 1, scope: 'global', window: 'total', action: 'block' },
];
const key = 'cap|global|total';

const opened: Array<{ close(): Promise<void> | void }> = [];
const admin = redisReachable ? new Redis(redisUrl) : undefined;
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});
afterAll(() => admin?.disconnect());

interface Node {
  store: RedisBudgetCounterStore;
  proxy: TcpProxy;
}

/** A gateway: its own connection (through a proxy the test cuts), failing open, seeding from the shared ledger. */
async function startNode(prefix: string, ledger: MemoryLedger): Promise<Node> {
  const proxy = await startTcpProxy(redisUrl, 6379);
  opened.push(proxy);
  const store = await openRedisBudgetCounterStore({
    url: proxy.url,
    prefix,
    onUnavailable: 'open',
    seed: ledgerCounterSeeder({ ledger, budgets }),
  });
  opened.push(store);
  return { store, proxy };
}

let requests = 0;
/** One request as the cost plugin runs it: reserve, store the ledger row, then settle. */
async function spend(node: Node, ledger: MemoryLedger, micros: number): Promise<void> {
  const holder = `request-${requests++}`;
  const common = { key, expiresAt: Number.POSITIVE_INFINITY, holder };
  const outcome = await node.store.reserve([
    { ...common, amountMicros: 5000, limitMicros: 1_000_000 },
  ]);
  expect(outcome.admitted).toBe(true);
  await ledger.append([makeRecord({ id: holder, costMicros: micros })]);
  await node.store.settle([{ ...common, reservedMicros: 5000, actualMicros: micros }]);
}

async function reconnect(node: Node): Promise<void> {
  node.proxy.restore();
  await until(() => node.store.state() === 'ready');
  await until(() => node.store.unreconciledMicros === 0);
}

const ledgerSum = async (ledger: MemoryLedger) => (await ledger.query())[0]?.costMicros ?? 0;

describe.runIf(redisReachable)('Redis budget counters after an outage', () => {
  it.each([
    {
      name: 'Redis lost its data; one node reseeds while the other still counts locally',
      lost: true,
      secondFirst: false,
    },
    {
      name: 'Redis lost its data; the second node is back before any reseed',
      lost: true,
      secondFirst: true,
    },
    { name: 'Redis kept its data', lost: false, secondFirst: false },
  ])('counts every ledger row once: $name', async ({ lost, secondFirst }) => {
    const prefix = freshPrefix();
    const ledger = new MemoryLedger();
    const first = await startNode(prefix, ledger);
    const second = await startNode(prefix, ledger);
    await spend(first, ledger, 1000);
    await spend(second, ledger, 2000);

    first.proxy.cut();
    second.proxy.cut();
    await until(() => first.store.state() === 'down' && second.store.state() === 'down');
    // Both keep serving on node-local counters; their rows reach the ledger all the same.
    await spend(first, ledger, 500);
    await spend(second, ledger, 700);
    if (lost) await loseData(admin as Redis, prefix);

    if (secondFirst) {
      await reconnect(second);
      await spend(second, ledger, 30);
    }
    await reconnect(first);
    // With the data lost, this reseeds the counter from the ledger (outage spend included).
    await spend(first, ledger, 100);
    if (!secondFirst) {
      // Redis is back but this node has not noticed yet: this spend is newer than the reseed.
      await spend(second, ledger, 50);
      await reconnect(second);
    }

    expect(await first.store.read(key)).toEqual({
      spentMicros: await ledgerSum(ledger),
      reservedMicros: 0,
    });
    expect(await second.store.read(key)).toEqual(await first.store.read(key));
  });
});

describe('spend kept on a node during an outage', () => {
  const settled = (actualMicros: number) => [
    { key, reservedMicros: 0, actualMicros, expiresAt: Number.POSITIVE_INFINITY },
  ];

  it('keeps when each amount was settled, one run per millisecond', () => {
    const spend = new OutageSpend();
    spend.add(settled(5), 1000);
    spend.add(settled(7), 1000);
    spend.add(settled(0), 1001);
    spend.add(settled(3), 1002);
    expect(spend.take()).toEqual([
      [key, { runs: [1000, 12, 1002, 3], expiresAt: Number.POSITIVE_INFINITY }],
    ]);
    expect(spend.totalMicros).toBe(0);
  });

  it('folds its oldest half into its latest time past 2048 runs: counted twice, never missed', () => {
    const spend = new OutageSpend();
    for (let at = 1; at <= 2049; at += 1) spend.add(settled(1), at);
    const [[, kept] = ['', { runs: [] }]] = spend.take();
    expect(kept.runs.slice(0, 4)).toEqual([1024, 1024, 1025, 1]);
    expect(kept.runs).toHaveLength(2 * 1026);
  });

  it('gets a failed push back ahead of what was settled since', () => {
    const spend = new OutageSpend();
    spend.add(settled(5), 1000);
    const batch = spend.take();
    spend.add(settled(2), 2000);
    spend.restore(batch);
    expect(spend.totalMicros).toBe(7);
    expect(spend.take()[0]?.[1].runs).toEqual([1000, 5, 2000, 2]);
  });
});
