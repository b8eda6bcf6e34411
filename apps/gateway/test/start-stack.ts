import type { Kernel } from '@loom/core';
import {
  type SimulatedUpstream,
  startOllamaServer,
  startOpenAIServer,
  startVllmServer,
} from '@loom/testkit';
import OpenAI from 'openai';
import { buildKernel } from '../src/config/build-kernel.js';
import { validateConfig } from '../src/config/load-config.js';
import {
  createGateway,
  type GatewayOptions,
  type RunningGateway,
} from '../src/server/create-gateway.js';

/** A gateway on 127.0.0.1:0 in front of simulated upstreams, with an `openai` client. */
export interface Stack {
  url: string;
  client: OpenAI;
  kernel: Kernel;
  gateway: RunningGateway;
  primary: SimulatedUpstream;
  backup: SimulatedUpstream;
  ollama: SimulatedUpstream;
  vllm: SimulatedUpstream;
  close(): Promise<void>;
}

/** Options: gateway keys, body limit, and config overrides merged at the top level. */
export interface StackOptions {
  apiKeys?: string[];
  bodyLimitBytes?: number;
  config?: Record<string, unknown>;
  /** More `createGateway` options (limits, logger, CORS, rate limiter...). */
  gateway?: Omit<GatewayOptions, 'kernel'>;
  /** Options of the simulated `primary` and `backup` OpenAI upstreams. */
  upstream?: Parameters<typeof startOpenAIServer>[0];
}

/** Starts four upstreams (two OpenAI, Ollama, vLLM) and the gateway through the config path. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const [primary, backup, ollama, vllm] = await Promise.all([
    startOpenAIServer(options.upstream),
    startOpenAIServer(options.upstream),
    startOllamaServer(),
    startVllmServer(),
  ]);
  const raw = {
    providers: [
      {
        id: 'primary',
        type: 'openai',
        baseURL: primary.baseURL,
        apiKey: 'sk-upstream-primary-key',
      },
      { id: 'backup', type: 'openai', baseURL: backup.baseURL },
      { id: 'local', type: 'ollama', baseURL: ollama.baseURL },
      { id: 'gpu', type: 'vllm', baseURL: vllm.baseURL },
    ],
    models: [
      { name: 'chat', targets: ['primary/gpt-4o-mini', 'backup/gpt-4o-mini'] },
      { name: 'solo', targets: ['primary/gpt-4o-mini'] },
      { name: 'embed', targets: ['primary/text-embedding-3-small'] },
    ],
    routing: { strategy: 'priority', retries: 2, initialBackoffMs: 1 },
    health: { intervalMs: 0 },
    ...options.config,
  };
  const kernel = await buildKernel(validateConfig(raw, 'test.yaml'), 'test.yaml');
  await kernel.start();
  const gateway = await createGateway({
    kernel,
    apiKeys: options.apiKeys,
    bodyLimitBytes: options.bodyLimitBytes,
    drainTimeoutMs: 1_000,
    ...options.gateway,
  }).listen(0, '127.0.0.1');
  const client = new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: options.apiKeys?.[0] ?? 'unused',
    maxRetries: 0,
  });
  return {
    url: gateway.url,
    client,
    kernel,
    gateway,
    primary,
    backup,
    ollama,
    vllm,
    async close() {
      await gateway.close();
      await kernel.stop();
      await Promise.all([primary.close(), backup.close(), ollama.close(), vllm.close()]);
    },
  };
}

/** The chat requests an upstream received. */
export function chatRequests(upstream: SimulatedUpstream) {
  return upstream.requests.filter((request) => request.path.endsWith('/chat/completions'));
}
