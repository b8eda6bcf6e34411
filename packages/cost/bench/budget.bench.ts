// Budget admission + reconcile latency through the plugin's hooks (three budgets: global, provider,
// tag), and ledger throughput: append rate into memory and SQLite, grouped query over many records.
// Results: bench/results/cost-budget.json at the repository root.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deployment, PluginApi, RequestContext, RequestHooks } from '@loom/core';
import {
  type CostRecord,
  costPlugin,
  type LedgerStore,
  MemoryLedger,
  openSqliteLedger,
} from '@loom/cost';

const round = (value: number) => Math.round(value * 100) / 100;
const deployment: Deployment = {
  id: 'openai/gpt-4o-mini',
  providerId: 'openai',
  model: 'gpt-4o-mini',
};
const usage = { inputTokens: 20, outputTokens: 50, totalTokens: 70, estimated: false };

async function admissionLatency(samples: number) {
  const plugin = costPlugin({
    budgets: [
      { name: 'global', limitUsd: 1e9, action: 'block' },
      {
        name: 'per-provider',
        limitUsd: 1e9,
        scope: 'provider',
        window: 'month',
        timeZone: 'Europe/Berlin',
      },
      { name: 'per-team', limitUsd: 1e9, scope: 'tag:team', window: 'hour', action: 'block' },
    ],
  });
  let hooks: RequestHooks = {};
  const api = {
    coreVersion: '0.1.0',
    providers: new Map([['openai', { type: 'openai' }]]),
    addHooks: (added: RequestHooks) => {
      hooks = added;
    },
    events: { on() {}, off() {}, once() {} },
    emit() {},
    alert() {},
    registerCollector() {},
    now: () => Date.now(),
  } as unknown as PluginApi;
  await plugin.setup(api);
  const signal = new AbortController().signal;
  const times = new Float64Array(samples);
  for (let index = -2000; index < samples; index += 1) {
    const context = {
      requestId: `r${index}`,
      operation: 'chat',
      request: {
        model: 'chat',
        messages: [{ role: 'user', content: 'Say ok.' }],
        maxTokens: 256,
        metadata: { tags: { team: 'search' } },
      },
      signal,
      startedAt: 0,
      candidates: [deployment],
      narrow() {},
      narrowedBy: [],
      attempts: [],
      state: new Map(),
    } as unknown as RequestContext;
    const start = performance.now();
    await hooks.beforeRequest?.(context);
    await hooks.afterResponse?.(context, { deployment, usage });
    if (index >= 0) times[index] = performance.now() - start;
  }
  await plugin.teardown?.();
  times.sort();
  const at = (fraction: number) => round((times[Math.floor(fraction * (samples - 1))] ?? 0) * 1000);
  return { samples, p50Us: at(0.5), p99Us: at(0.99) };
}

function record(index: number): CostRecord {
  return {
    id: `r${index}`,
    time: Date.UTC(2026, 0, 1) + index * 1000,
    requestId: `q${index}`,
    attempt: 1,
    provider: index % 3 === 0 ? 'openai' : 'groq',
    model: `model-${index % 7}`,
    inputTokens: 100,
    outputTokens: 50,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costMicros: 45,
    estimated: false,
    unpriced: false,
    type: 'chat',
    user: `user-${index % 50}`,
  };
}

async function throughput(store: LedgerStore, count: number, batch: number) {
  const records = Array.from({ length: count }, (_, index) => record(index));
  const start = performance.now();
  for (let offset = 0; offset < count; offset += batch)
    await store.append(records.slice(offset, offset + batch));
  const seconds = (performance.now() - start) / 1000;
  const timed = async () => {
    const queryStart = performance.now();
    await store.query({ groupBy: 'model' });
    return round(performance.now() - queryStart);
  };
  // The first grouped query builds the memory ledger's rollup; later ones (and appends) keep it.
  const coldQueryMs = await timed();
  await store.append(Array.from({ length: batch }, (_, index) => record(count + index)));
  const groupedQueryMs = await timed();
  await store.close();
  return {
    records: count,
    batch,
    recordsPerSecond: Math.round(count / seconds),
    coldQueryMs,
    groupedQueryMs,
  };
}

const directory = mkdtempSync(join(tmpdir(), 'loom-cost-bench-'));
const admission = await admissionLatency(20_000);
const memory = await throughput(new MemoryLedger(), 1_000_000, 1000);
const sqlite = await throughput(
  await openSqliteLedger({ path: join(directory, 'bench.db') }),
  200_000,
  1000,
);
rmSync(directory, { recursive: true, force: true });

const results = {
  benchmark: 'cost-budget',
  admissionAndReconcile: { ...admission, budgets: 3 },
  ledger: {
    memory: {
      ...memory,
      targetRecordsPerSecond: 200_000,
      pass: memory.recordsPerSecond >= 200_000,
    },
    sqlite: { ...sqlite, targetRecordsPerSecond: 50_000, pass: sqlite.recordsPerSecond >= 50_000 },
    groupedSummaryTargetMs: 50,
    groupedSummaryPass: memory.groupedQueryMs <= 50,
  },
  environment: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
};
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/cost-budget.json'),
  `${JSON.stringify(results, null, 2)}\n`,
);
console.table({
  'admission+reconcile': { p50Us: admission.p50Us, p99Us: admission.p99Us },
  'memory ledger': {
    recordsPerSecond: memory.recordsPerSecond,
    coldQueryMs: memory.coldQueryMs,
    groupedQueryMs: memory.groupedQueryMs,
  },
  'sqlite ledger': {
    recordsPerSecond: sqlite.recordsPerSecond,
    coldQueryMs: sqlite.coldQueryMs,
    groupedQueryMs: sqlite.groupedQueryMs,
  },
});
