// Kernel overhead: `kernel.chat` against calling the same in-memory provider directly, with
// request validation on. Run with `pnpm bench` (here or at the root); results go to
// bench/results/core-kernel-overhead.json at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The built package, as users run it (source runs add loader helpers that distort the numbers).
import { type ChatRequest, type ChatResponse, createKernel, type ProviderV1 } from '@loom/core';

const CALLS = Number(process.env.LOOM_BENCH_CALLS ?? 100_000);
const WARMUP = Math.min(20_000, CALLS);
const BLOCK = 1_000;

const response: ChatResponse = {
  id: 'r',
  model: 'bench-model',
  message: { role: 'assistant', content: 'ok' },
  finishReason: 'stop',
  usage: { inputTokens: 12, outputTokens: 1, totalTokens: 13, estimated: false },
};

const provider: ProviderV1 = {
  specificationVersion: 'v1',
  id: 'memory',
  type: 'memory',
  doListModels: async () => [],
  doChat: async () => response,
  doStream: async () => ({ stream: (async function* () {})() }),
};

const request: ChatRequest = {
  model: 'chat',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say ok.' },
  ],
  maxTokens: 16,
  temperature: 0,
};

const kernel = createKernel({
  providers: [provider],
  models: [{ name: 'chat', targets: ['memory/bench-model'] }],
  health: { intervalMs: 0 },
});
await kernel.start();
const context = { signal: new AbortController().signal, requestId: 'bench', attempt: 1 };
const direct = () => provider.doChat({ ...request, model: 'bench-model' }, context);
const viaKernel = () => kernel.chat(request);

async function measure(run: () => PromiseLike<unknown>, samples: Float64Array, offset: number) {
  for (let i = 0; i < BLOCK; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples[offset + i] = Number(process.hrtime.bigint() - start) / 1_000;
  }
}

for (let i = 0; i < WARMUP; i++) {
  await direct();
  await viaKernel();
}

// Alternate blocks so drift on a shared machine hits both sides alike.
const directSamples = new Float64Array(CALLS);
const kernelSamples = new Float64Array(CALLS);
let directTime = 0;
let kernelTime = 0;
for (let offset = 0; offset < CALLS; offset += BLOCK) {
  let start = performance.now();
  await measure(direct, directSamples, offset);
  directTime += performance.now() - start;
  start = performance.now();
  await measure(viaKernel, kernelSamples, offset);
  kernelTime += performance.now() - start;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const summarise = (samples: Float64Array, totalMs: number) => {
  const sorted = samples.slice().sort();
  return {
    medianUs: percentile(sorted, 0.5),
    p99Us: percentile(sorted, 0.99),
    callsPerSecond: Math.round(samples.length / (totalMs / 1_000)),
  };
};
const directStats = summarise(directSamples, directTime);
const kernelStats = summarise(kernelSamples, kernelTime);
const round = (value: number) => Math.round(value * 100) / 100;
const added = {
  medianUs: round(kernelStats.medianUs - directStats.medianUs),
  p99Us: round(kernelStats.p99Us - directStats.p99Us),
};
const targets = { medianUs: 10, p99Us: 50 };
const result = {
  benchmark: 'core-kernel-overhead',
  description:
    'kernel.chat (validation on, no SDK telemetry) vs the same in-memory provider called directly',
  calls: CALLS,
  direct: directStats,
  kernel: kernelStats,
  added,
  targets,
  pass: added.medianUs <= targets.medianUs && added.p99Us <= targets.p99Us,
  environment: {
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    platform: process.platform,
    date: new Date().toISOString(),
  },
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const file = resolve(root, 'bench/results/core-kernel-overhead.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

const fmt = (value: number) => value.toFixed(2).padStart(8);
console.log(`\nkernel.chat overhead, ${CALLS} calls (µs)\n`);
console.log('|            | median   | p99      | calls/s  |');
console.log('|------------|----------|----------|----------|');
console.log(
  `| direct     | ${fmt(directStats.medianUs)} | ${fmt(directStats.p99Us)} | ${String(directStats.callsPerSecond).padStart(8)} |`,
);
console.log(
  `| kernel     | ${fmt(kernelStats.medianUs)} | ${fmt(kernelStats.p99Us)} | ${String(kernelStats.callsPerSecond).padStart(8)} |`,
);
console.log(`| added      | ${fmt(added.medianUs)} | ${fmt(added.p99Us)} |          |`);
console.log(
  `\ntarget: <= ${targets.medianUs} µs median, <= ${targets.p99Us} µs p99 added: ${result.pass ? 'PASS' : 'FAIL'}`,
);
console.log(`written: ${file}`);
await kernel.stop();
