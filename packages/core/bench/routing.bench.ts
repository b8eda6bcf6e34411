// Routing features: overhead of ranking three candidates, cache-hit latency, single-flight
// collapse under 100 identical concurrent requests, embedding throughput batched vs unbatched.
// Results: bench/results/core-routing.json at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChatResponse, createKernel, type KernelOptions, type ProviderV1 } from '@loom/core';

const round = (value: number) => Math.round(value * 100) / 100;
const response: ChatResponse = {
  id: 'r',
  model: 'm',
  message: { role: 'assistant', content: 'ok' },
  finishReason: 'stop',
  usage: { inputTokens: 12, outputTokens: 1, totalTokens: 13, estimated: false },
};

function memoryProvider(id: string, delayMs = 0): ProviderV1 & { embedCalls: number } {
  let queue: Promise<unknown> = Promise.resolve();
  const provider = {
    specificationVersion: 'v1' as const,
    id,
    type: 'memory',
    embedCalls: 0,
    doListModels: async () => [],
    doChat: () =>
      delayMs
        ? new Promise<ChatResponse>((r) => setTimeout(() => r(response), delayMs))
        : Promise.resolve(response),
    doStream: async () => ({ stream: (async function* () {})() }),
    doEmbed: async (request: { input: string[] }) => {
      provider.embedCalls += 1;
      // Like one GPU embedding server: calls run one at a time, each costing a fixed 2 ms plus a
      // little per input, so many small calls queue up where one batch would not.
      const turn = queue.then(
        () => new Promise((r) => setTimeout(r, 2 + request.input.length * 0.05)),
      );
      queue = turn;
      await turn;
      return {
        model: 'e',
        embeddings: request.input.map(() => [0.1, 0.2, 0.3]),
        usage: {
          inputTokens: request.input.length,
          outputTokens: 0,
          totalTokens: request.input.length,
          estimated: false,
        },
      };
    },
  };
  return provider;
}

const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'Say ok.' }] };

async function latencies(calls: number, run: () => PromiseLike<unknown>) {
  for (let i = 0; i < Math.min(20_000, calls); i++) await run();
  const samples = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples[i] = Number(process.hrtime.bigint() - start) / 1_000;
  }
  samples.sort();
  return {
    p50Us: round(samples[Math.floor(calls * 0.5)]!),
    p99Us: round(samples[Math.floor(calls * 0.99)]!),
  };
}

async function kernelWith(
  options: Partial<KernelOptions>,
  providers = ['a', 'b', 'c'].map((id) => memoryProvider(id)),
) {
  const kernel = createKernel({
    providers,
    models: [
      { name: 'chat', targets: providers.map((p) => `${p.id}/m`) },
      { name: 'embed', targets: [`${providers[0]!.id}/e`] },
    ],
    health: { intervalMs: 0 },
    ...options,
  });
  await kernel.start();
  return kernel;
}

const direct = memoryProvider('direct');
const context = { signal: new AbortController().signal, requestId: 'x', attempt: 1 };
const directLatency = await latencies(100_000, () =>
  direct.doChat({ ...request, model: 'm' }, context),
);
const strategies = {} as Record<string, { p50Us: number; p99Us: number; addedP50Us: number }>;
for (const strategy of [
  'priority',
  'balanced',
  'latency',
  'least-busy',
  'cost',
  'weighted',
  'round-robin',
] as const) {
  const kernel = await kernelWith({ routing: { strategy } });
  const measured = await latencies(50_000, () => kernel.chat(request));
  strategies[strategy] = { ...measured, addedP50Us: round(measured.p50Us - directLatency.p50Us) };
  await kernel.stop();
}

const cached = await kernelWith({ cache: { ttlMs: 600_000 } });
await cached.chat(request);
const cacheHit = await latencies(100_000, () => cached.chat(request));
await cached.stop();

const slow = memoryProvider('slow', 20);
const flight = await kernelWith({ singleFlight: true }, [slow]);
let upstreamCalls = 0;
slow.doChat = () => {
  upstreamCalls += 1;
  return new Promise((r) => setTimeout(() => r(response), 20));
};
await Promise.all(Array.from({ length: 100 }, () => flight.chat(request)));
const singleFlight = { requests: 100, upstreamCalls, collapseRatio: 100 / upstreamCalls };
await flight.stop();

async function embedThroughput(batching: boolean) {
  const provider = memoryProvider('embedder');
  const kernel = await kernelWith(
    batching ? { embeddingBatching: { windowMs: 2, maxInputs: 64 } } : {},
    [provider],
  );
  const total = batching ? 4_000 : 1_000;
  const concurrency = 64;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await kernel.embed({ model: 'embed', input: 'a short text to embed' });
    }),
  );
  const seconds = (performance.now() - start) / 1_000;
  await kernel.stop();
  return { requestsPerSecond: Math.round(total / seconds), upstreamCalls: provider.embedCalls };
}
const embeddings = {
  unbatched: await embedThroughput(false),
  batched: await embedThroughput(true),
};

const result = {
  benchmark: 'core-routing',
  direct: directLatency,
  strategiesThreeCandidates: strategies,
  cacheHit: { ...cacheHit, targetP50Us: 20, pass: cacheHit.p50Us <= 20 },
  singleFlight,
  embeddings: {
    ...embeddings,
    speedup: round(embeddings.batched.requestsPerSecond / embeddings.unbatched.requestsPerSecond),
  },
  environment: {
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    date: new Date().toISOString(),
  },
};
const file = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../bench/results/core-routing.json',
);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

console.log('\nrouting with three candidates (µs)\n');
console.log('| strategy | p50 | p99 | added p50 vs direct call |');
console.log('|---|---|---|---|');
for (const [name, m] of Object.entries(strategies))
  console.log(`| ${name} | ${m.p50Us} | ${m.p99Us} | ${m.addedP50Us} |`);
console.log(
  `\ncache hit: p50 ${cacheHit.p50Us} µs, p99 ${cacheHit.p99Us} µs (target p50 <= 20 µs: ${result.cacheHit.pass ? 'PASS' : 'FAIL'})`,
);
console.log(
  `single-flight: 100 identical concurrent requests -> ${upstreamCalls} upstream call(s)`,
);
console.log(
  `embeddings at concurrency 64: unbatched ${embeddings.unbatched.requestsPerSecond} req/s (${embeddings.unbatched.upstreamCalls} calls), batched ${embeddings.batched.requestsPerSecond} req/s (${embeddings.batched.upstreamCalls} calls), x${result.embeddings.speedup}`,
);
console.log(`written: ${file}`);
