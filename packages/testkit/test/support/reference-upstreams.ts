import type { ProviderV1 } from '@loom/core';
import type { ProviderConformanceOptions } from '../../src/conformance/provider-harness.js';
import type { UpstreamConformanceOptions } from '../../src/conformance/upstream/upstream-harness.js';
import { startOllamaServer } from '../../src/upstreams/start-ollama-server.js';
import { startOpenAIServer } from '../../src/upstreams/start-openai-server.js';
import { startVllmServer } from '../../src/upstreams/start-vllm-server.js';
import { createReferenceOllamaProvider } from './reference-ollama-provider.js';
import { createReferenceOpenAIProvider } from './reference-openai-provider.js';

/** The upstream option for each wire, with the reference provider connected. */
export const referenceUpstreams: Record<'openai' | 'vllm' | 'ollama', UpstreamConformanceOptions> =
  {
    openai: {
      wire: 'openai',
      start: () => startOpenAIServer(),
      connect: createReferenceOpenAIProvider,
      model: 'gpt-4o-mini',
    },
    vllm: {
      wire: 'vllm',
      start: () => startVllmServer(),
      connect: createReferenceOpenAIProvider,
      model: 'meta-llama/Llama-3.1-8B-Instruct',
    },
    ollama: {
      wire: 'ollama',
      start: () => startOllamaServer(),
      connect: createReferenceOllamaProvider,
      model: 'llama3.2',
    },
  };

/**
 * Provider conformance options for a wire: the ordinary checks run against a fresh simulator too
 * (closed with the provider), plus the upstream checks; `wrap` lets a test break the provider.
 */
export function referenceOptions(
  wire: keyof typeof referenceUpstreams,
  wrap: (provider: ProviderV1) => ProviderV1 = (provider) => provider,
): ProviderConformanceOptions {
  const upstream = referenceUpstreams[wire];
  return {
    chatModel: upstream.model,
    timeoutMs: 10_000,
    createProvider: async () => {
      const simulator = await upstream.start();
      const timeouts = { headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 };
      const provider = wrap(await upstream.connect(simulator.baseURL, timeouts));
      return { ...provider, close: () => simulator.close() };
    },
    upstream: {
      ...upstream,
      connect: async (baseURL, timeouts) => wrap(await upstream.connect(baseURL, timeouts)),
    },
  };
}
