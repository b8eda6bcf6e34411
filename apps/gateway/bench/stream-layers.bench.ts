// What the kernel and the gateway's default plugins cost a streamed answer in process, before any
// HTTP: a provider stream of 15 parts (metadata, 12 text deltas, usage, finish) read directly,
// through `kernel.stream`, with the cost plugin (memory ledger), and with the monitor too. The
// pinned suite compares whole hops; this says how much of a stream's CPU is Loom's own layers.
// Writes bench/results/gateway-stream-layers.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChatStreamPart, createKernel, type KernelPlugin, type ProviderV1 } from '@loom/core';
import { costPlugin } from '@loom/cost';
import { monitorPlugin } from '@loom/monitor';

const STREAMS = 50_000;
const ROUNDS = 5;
const parts: ChatStreamPart[] = [
  { type: 'response-metadata', id: 'up-1', model: 'gpt-4o-mini' },
  ...Array.from({ length: 12 }, (_, index) => ({
    type: 'text-delta' as const,
    delta: `word${index} `,
  })),
  {
    type: 'usage',
    usage: { inputTokens: 16, outputTokens: 16, totalTokens: 32, estimated: false },
  },
  { type: 'finish', finishReason: 'stop' },
];
const provider: ProviderV1 = {
  specificationVersion: 'v1',
  id: 'sim',
  type: 'openai',
  doListModels: async () => [],
  doChat: async () => {
    throw new Error('streams only');
  },
  doStream: async () => ({
    stream: (async function* () {
      yield* parts;
    })(),
  }),
};
const request = {
  model: 'chat',
  messages: [{ role: 'user' as const, content: 'hi' }],
  maxTokens: 16,
};
const context = { signal: new AbortController().signal, requestId: 'bench', attempt: 1 };

async function cpuPerStream(run: () => Promise<void>): Promise<number> {
  for (let index = 0; index < STREAMS / 2; index++) await run();
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.cpuUsage();
    for (let index = 0; index < STREAMS; index++) await run();
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / STREAMS);
  }
  return Math.round((rounds.sort((a, b) => a - b)[ROUNDS >> 1] ?? 0) * 10) / 10;
}

const results: Array<{ variant: string; cpuUsPerStream: number }> = [];
results.push({
  variant: 'provider stream read directly',
  cpuUsPerStream: await cpuPerStream(async () => {
    const { stream } = await provider.doStream({ ...request, model: 'gpt-4o-mini' }, context);
    for await (const _ of stream) {
      // Read to the end.
    }
  }),
});
const variants: Array<[string, () => KernelPlugin[]]> = [
  ['kernel.stream', () => []],
  ['kernel.stream + cost (memory ledger)', () => [costPlugin({})]],
  ['kernel.stream + cost + monitor', () => [costPlugin({}), monitorPlugin({})]],
];
for (const [variant, plugins] of variants) {
  const kernel = createKernel({
    providers: [provider],
    models: [{ name: 'chat', targets: ['sim/gpt-4o-mini'] }],
    health: { intervalMs: 0 },
    plugins: plugins(),
  });
  await kernel.start();
  results.push({
    variant,
    cpuUsPerStream: await cpuPerStream(async () => {
      for await (const _ of await kernel.stream(request)) {
        // Read to the end.
      }
    }),
  });
  await kernel.stop();
}
console.table(results);
const output = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../bench/results/gateway-stream-layers.json',
);
mkdirSync(dirname(output), { recursive: true });
writeFileSync(
  output,
  `${JSON.stringify(
    {
      benchmark: 'gateway-stream-layers',
      description: `a 15-part stream in process, CPU per stream, median of ${ROUNDS} rounds of ${STREAMS}`,
      node: process.version,
      cpu: cpus()[0]?.model,
      results,
    },
    null,
    2,
  )}\n`,
);
console.log(`written: ${output}`);
