import {
  type ChatStreamPart,
  createKernel,
  type Kernel,
  type KernelOptions,
  type ProviderV1,
} from '@loom/core';
import { createOllama } from '@loom/provider-ollama';
import { createOpenAI } from '@loom/provider-openai';
import { createVllm } from '@loom/provider-vllm';
import {
  type SimulatedUpstream,
  startOllamaServer,
  startOpenAIServer,
  startVllmServer,
} from '@loom/testkit';
import { afterEach } from 'vitest';

export type Wire = 'openai' | 'ollama' | 'vllm';

const MODELS: Record<Wire, string> = {
  openai: 'gpt-4o-mini',
  ollama: 'llama3.2',
  vllm: 'meta-llama/Llama-3.1-8B-Instruct',
};

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  const closing = open.splice(0);
  await Promise.allSettled(closing.map((item) => item.close()));
});

/** A simulated upstream of `wire`, closed after the test. */
export async function upstream(
  wire: Wire,
  options: Record<string, unknown> = {},
): Promise<SimulatedUpstream> {
  const start = { openai: startOpenAIServer, ollama: startOllamaServer, vllm: startVllmServer }[
    wire
  ];
  const server = await start(options);
  open.push(server);
  return server;
}

/** A real provider of `wire` pointed at `baseURL` (timeouts short enough for tests). */
export function provider(
  wire: Wire,
  id: string,
  baseURL: string,
  timeouts: { headersTimeoutMs?: number; bodyTimeoutMs?: number } = {},
): ProviderV1 {
  const settings = { id, baseURL, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000, ...timeouts };
  const created =
    wire === 'openai'
      ? createOpenAI({ ...settings, apiKey: 'sk-reliability-test' })
      : wire === 'ollama'
        ? createOllama(settings)
        : createVllm(settings);
  open.push({ close: () => created.close?.() });
  return created;
}

export interface Deployed {
  id: string;
  wire: Wire;
  server: SimulatedUpstream;
  provider: ProviderV1;
}

/** Starts one simulator + provider per entry and a kernel with alias `chat` over them, in order. */
export async function deploy(
  wires: Array<Wire | { wire: Wire; contextWindow?: number; options?: Record<string, unknown> }>,
  options: Partial<KernelOptions> = {},
): Promise<{ kernel: Kernel; deployed: Deployed[] }> {
  const deployed: Deployed[] = [];
  for (const [index, entry] of wires.entries()) {
    const spec = typeof entry === 'string' ? { wire: entry } : entry;
    const server = await upstream(spec.wire, 'options' in spec ? (spec.options ?? {}) : {});
    const id = `${spec.wire}-${index}`;
    deployed.push({
      id,
      wire: spec.wire,
      server,
      provider: provider(spec.wire, id, server.baseURL),
    });
  }
  const kernel = createKernel({
    providers: deployed.map((d) => d.provider),
    models: [
      {
        name: 'chat',
        targets: deployed.map((d, index) => {
          const spec = wires[index]!;
          const contextWindow = typeof spec === 'string' ? undefined : spec.contextWindow;
          return {
            provider: d.id,
            model: MODELS[d.wire],
            ...(contextWindow ? { contextWindow } : {}),
          };
        }),
      },
    ],
    health: { intervalMs: 0 },
    ...options,
  });
  open.push({ close: () => kernel.stop({ drainTimeoutMs: 100 }) });
  return { kernel, deployed };
}

export const ask = (content = 'hello loom') => ({
  model: 'chat',
  messages: [{ role: 'user' as const, content }],
});

/** Reads a stream to its end; returns its text and parts. */
export async function readStream(stream: AsyncIterable<ChatStreamPart>) {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
  return { parts, text };
}

/** Chat requests the simulator received (not health checks or model listings). */
export const chatHits = (server: SimulatedUpstream) =>
  server.requests.filter(
    (request) => request.path.endsWith('/chat/completions') || request.path === '/api/chat',
  );
