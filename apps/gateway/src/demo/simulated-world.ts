import {
  type OllamaUpstream,
  type SimulatedUpstream,
  startOllamaServer,
  startOpenAIServer,
  startVllmServer,
  type VllmUpstream,
} from '@loom/testkit';

/** The demo's three simulated upstreams. */
export interface SimulatedWorld {
  /** A hosted OpenAI-style API: priced per token, the slowest to first token. */
  openai: SimulatedUpstream;
  /** A vLLM server on a rented GPU: fast, paid by the hour. */
  gpu: VllmUpstream;
  /** Ollama on the same machine: free, slower per token, with a cold start. */
  local: OllamaUpstream;
  /** Stops all three. */
  close(): Promise<void>;
}

const TOPICS = [
  'Routing picks the healthiest, cheapest deployment that can serve the request.',
  'A circuit breaker stops sending traffic to an upstream that keeps failing.',
  'Budgets reserve the worst case first and settle the real cost afterwards.',
  'Local models cost nothing per token but still take time to warm up.',
  'Time to first token is what a user waiting on a stream actually feels.',
  'Failover before the first chunk is invisible to the client.',
];

/**
 * Answers of varied length, so token counts, costs and latencies differ from request to request.
 * Deterministic per prompt: the same question gets the same answer.
 */
export function demoReply(body: unknown): string {
  const messages = (body as { messages?: Array<{ content?: unknown }> })?.messages ?? [];
  const prompt = String(messages.at(-1)?.content ?? '');
  let hash = 0;
  for (const char of prompt) hash = (hash * 33 + char.charCodeAt(0)) >>> 0;
  const sentences = 1 + (hash % 4);
  const parts: string[] = [];
  for (let index = 0; index < sentences; index += 1) {
    parts.push(TOPICS[(hash + index * 7) % TOPICS.length]!);
  }
  return parts.join(' ');
}

/**
 * Starts the upstreams with latencies in the range of the real services: a hosted API with
 * ~300 ms to first token at ~90 tokens/s, a vLLM GPU with ~80 ms at ~160 tokens/s, and a local
 * Ollama with ~150 ms at ~40 tokens/s after a one-off model load.
 */
export async function startSimulatedWorld(): Promise<SimulatedWorld> {
  const [openai, gpu, local] = await Promise.all([
    startOpenAIServer({
      latencyMs: 90,
      timeToFirstTokenMs: 220,
      tokensPerSecond: 90,
      reply: demoReply,
    }),
    startVllmServer({
      latencyMs: 15,
      timeToFirstTokenMs: 65,
      tokensPerSecond: 160,
      reply: demoReply,
    }),
    startOllamaServer({
      latencyMs: 10,
      timeToFirstTokenMs: 140,
      tokensPerSecond: 40,
      coldStartMs: 900,
      reply: demoReply,
    }),
  ]);
  return {
    openai,
    gpu,
    local,
    close: async () => {
      await Promise.all([openai.close(), gpu.close(), local.close()]);
    },
  };
}
