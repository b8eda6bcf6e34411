// Loom's OpenAI provider against the official `openai` client, both calling the same simulated
// OpenAI server in this process: non-streamed chat at concurrency 1 and 32, warm-up first, then
// alternating blocks so drift on a shared machine hits both clients alike. Run with `pnpm bench`
// (here or at the root); results go to bench/results/provider-openai-vs-openai-client.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatRequest } from '@loom/core';
// The built package, as users run it.
import { createOpenAI } from '@loom/provider-openai';
import { startOpenAIServer } from '@loom/testkit';
import OpenAI from 'openai';

const SCALE = Number(process.env.LOOM_BENCH_SCALE ?? 1);
const PLANS = [
  { concurrency: 1, calls: Math.round(5_000 * SCALE), warmup: Math.round(1_000 * SCALE) },
  { concurrency: 32, calls: Math.round(20_000 * SCALE), warmup: Math.round(4_000 * SCALE) },
];
const BLOCKS = 4;

const upstream = await startOpenAIServer();
const loom = createOpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-bench' });
const official = new OpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-bench', maxRetries: 0 });

const request: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say ok.' },
  ],
  maxTokens: 16,
  temperature: 0,
};

type Call = () => Promise<number>;
const clients: Record<'loom' | 'openai', Call> = {
  // A fresh signal per call, as the kernel passes one.
  loom: async () => {
    const context = { signal: new AbortController().signal, requestId: 'bench', attempt: 1 };
    return (await loom.doChat(request, context)).usage.totalTokens;
  },
  openai: async () => {
    const completion = await official.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say ok.' },
      ],
      max_tokens: 16,
      temperature: 0,
    });
    return completion.usage?.total_tokens ?? 0;
  },
};

/** Runs `calls` calls with `concurrency` workers; latencies (µs) go to `samples` from `offset`. */
async function run(
  call: Call,
  calls: number,
  concurrency: number,
  samples?: Float64Array,
  offset = 0,
) {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < calls; index = next++) {
      const start = process.hrtime.bigint();
      await call();
      if (samples) samples[offset + index] = Number(process.hrtime.bigint() - start) / 1_000;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function measure(concurrency: number, calls: number, warmup: number) {
  for (const call of Object.values(clients)) await run(call, warmup, concurrency);
  const samples = { loom: new Float64Array(calls), openai: new Float64Array(calls) };
  const elapsed = { loom: 0, openai: 0 };
  const block = Math.ceil(calls / BLOCKS);
  for (let offset = 0; offset < calls; offset += block) {
    const size = Math.min(block, calls - offset);
    for (const name of ['loom', 'openai'] as const) {
      elapsed[name] += await run(clients[name], size, concurrency, samples[name], offset);
    }
  }
  const summary = (name: 'loom' | 'openai') => {
    const sorted = samples[name].slice().sort();
    return {
      callsPerSecond: Math.round(calls / (elapsed[name] / 1_000)),
      p50Ms: round(percentile(sorted, 0.5) / 1_000, 3),
      p99Ms: round(percentile(sorted, 0.99) / 1_000, 3),
    };
  };
  const loomStats = summary('loom');
  const openaiStats = summary('openai');
  return {
    concurrency,
    calls,
    warmup,
    loom: loomStats,
    openai: openaiStats,
    throughputRatio: round(loomStats.callsPerSecond / openaiStats.callsPerSecond, 2),
  };
}

const results = [];
for (const plan of PLANS) results.push(await measure(plan.concurrency, plan.calls, plan.warmup));
await loom.close?.();
await upstream.close();

const at32 = results.find((result) => result.concurrency === 32)!;
const targets = { throughputRatioAt32: 1.5, lowerP99At32: true };
const result = {
  benchmark: 'provider-openai-vs-openai-client',
  description:
    'Non-streamed chat through @loom/provider-openai (undici Pool) vs the official openai client (fetch, maxRetries 0), same in-process simulated OpenAI server',
  results,
  targets,
  pass: at32.throughputRatio >= targets.throughputRatioAt32 && at32.loom.p99Ms < at32.openai.p99Ms,
  environment: {
    node: process.version,
    openai: '6.30.1',
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    platform: process.platform,
    date: new Date().toISOString(),
  },
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const file = resolve(root, 'bench/results/provider-openai-vs-openai-client.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

console.log('\nNon-streamed chat, same simulated OpenAI server\n');
console.log('| concurrency | client | calls/s | p50 ms | p99 ms | Loom / openai |');
console.log('|---|---|---|---|---|---|');
for (const row of results) {
  for (const name of ['loom', 'openai'] as const) {
    const stats = row[name];
    const ratio = name === 'loom' ? `${row.throughputRatio}x` : '';
    console.log(
      `| ${row.concurrency} | ${name === 'loom' ? '@loom/provider-openai' : 'openai 6.30.1'} | ${stats.callsPerSecond} | ${stats.p50Ms} | ${stats.p99Ms} | ${ratio} |`,
    );
  }
}
console.log(
  `\ntarget at c=32: >= ${targets.throughputRatioAt32}x throughput and a lower p99: ${result.pass ? 'PASS' : 'FAIL'}`,
);
console.log(`written: ${file}`);
