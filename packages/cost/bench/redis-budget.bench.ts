// Budget admission latency: reserve + settle on three counters (global, provider, tag), as one
// admission touches them, through the in-memory store and through Redis (one Lua script each
// way). Then throughput of three stores (three gateways' clients) against one, 64 in flight.
// Results: bench/results/redis-budget.json at the repository root.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BudgetCounterStore,
  MemoryBudgetCounterStore,
  openRedisBudgetCounterStore,
  type RedisBudgetCounterStore,
} from '@loom/cost';

const redisUrl = process.env.LOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const round = (value: number) => Math.round(value * 100) / 100;
const expiresAt = Date.now() + 3_600_000;
const keys = ['global|global|b', 'per-provider|provider:openai|b', 'per-team|tag:team=search|b'];

async function admit(store: BudgetCounterStore, holder: string): Promise<void> {
  const outcome = await store.reserve(
    keys.map((key) => ({ key, amountMicros: 600, limitMicros: 1e15, expiresAt, holder })),
  );
  if (!outcome.admitted) throw new Error('bench budget refused a request');
  await store.settle(
    keys.map((key) => ({ key, reservedMicros: 600, actualMicros: 40, expiresAt, holder })),
  );
}

async function latency(store: BudgetCounterStore, samples: number) {
  const times = new Float64Array(samples);
  for (let index = -500; index < samples; index += 1) {
    const start = performance.now();
    await admit(store, `h${index}`);
    if (index >= 0) times[index] = performance.now() - start;
  }
  times.sort();
  const at = (fraction: number) => round((times[Math.floor(fraction * (samples - 1))] ?? 0) * 1000);
  return { samples, p50Us: at(0.5), p99Us: at(0.99) };
}

async function throughput(stores: BudgetCounterStore[], total: number, inFlight: number) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      while (next < total) {
        const index = next++;
        await admit(stores[worker % stores.length] as BudgetCounterStore, `t${index}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    admissions: total,
    inFlight,
    clients: stores.length,
    perSecond: Math.round(total / seconds),
  };
}

const memory = await latency(new MemoryBudgetCounterStore(), 20_000);
const prefix = `{loom-bench-${randomUUID()}}:`;
const opened: RedisBudgetCounterStore[] = [];
for (let index = 0; index < 3; index += 1)
  opened.push(await openRedisBudgetCounterStore({ url: redisUrl, prefix }));
if (opened[0]?.state() !== 'ready') throw new Error(`no Redis at ${redisUrl}`);
const redis = await latency(opened[0], 5000);
const one = await throughput(opened.slice(0, 1), 20_000, 64);
const three = await throughput(opened, 20_000, 64);
for (const store of opened) await store.close();

const result = {
  name: 'redis-budget',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version },
  note: 'reserve + settle on three counters per admission; Redis on loopback, shared with nothing else in this run',
  latency: { memory, redis },
  throughput: {
    oneClient: one,
    threeClients: three,
    ratio: round(three.perSecond / one.perSecond),
  },
};
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const out = join(root, 'bench/results/redis-budget.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.table({ memory, redis });
console.table({ one, three });
console.log(`written ${out}`);
