import { type ChatRequest, type ChatResponse, createKernel, type ProviderV1 } from '@loom/core';

/** Kernel in-process overhead: `kernel.chat` vs the same in-memory provider called directly. */
export interface KernelOverhead {
  calls: number;
  directP50Us: number;
  kernelP50Us: number;
  directP99Us: number;
  kernelP99Us: number;
  addedP50Us: number;
  addedP99Us: number;
}

const response: ChatResponse = {
  id: 'r',
  model: 'bench-model',
  message: { role: 'assistant', content: 'ok' },
  finishReason: 'stop',
  usage: { inputTokens: 12, outputTokens: 1, totalTokens: 13, estimated: false },
};

const request: ChatRequest = {
  model: 'chat',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say ok.' },
  ],
  maxTokens: 16,
};

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/**
 * A brief re-measurement of packages/core's kernel-overhead benchmark (same method: blocks of
 * direct and kernel calls alternated so machine drift hits both), so figure (a) is from this run.
 */
export async function measureKernelOverhead(calls = 30_000): Promise<KernelOverhead> {
  const provider: ProviderV1 = {
    specificationVersion: 'v1',
    id: 'memory',
    type: 'memory',
    doListModels: async () => [],
    doChat: async () => response,
    doStream: async () => ({ stream: (async function* () {})() }),
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
  for (let i = 0; i < 10_000; i++) {
    await direct();
    await viaKernel();
  }
  const directSamples = new Float64Array(calls);
  const kernelSamples = new Float64Array(calls);
  const block = 1_000;
  for (let offset = 0; offset < calls; offset += block) {
    for (const [run, samples] of [
      [direct, directSamples],
      [viaKernel, kernelSamples],
    ] as const) {
      for (let i = offset; i < offset + block; i++) {
        const start = process.hrtime.bigint();
        await run();
        samples[i] = Number(process.hrtime.bigint() - start) / 1_000;
      }
    }
  }
  await kernel.stop();
  const d = directSamples.sort();
  const k = kernelSamples.sort();
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    calls,
    directP50Us: round(percentile(d, 0.5)),
    kernelP50Us: round(percentile(k, 0.5)),
    directP99Us: round(percentile(d, 0.99)),
    kernelP99Us: round(percentile(k, 0.99)),
    addedP50Us: round(percentile(k, 0.5) - percentile(d, 0.5)),
    addedP99Us: round(percentile(k, 0.99) - percentile(d, 0.99)),
  };
}
