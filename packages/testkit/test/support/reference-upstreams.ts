import type { ProviderV1 } from '@loom/core';
import type { ProviderConformanceOptions } from '../../src/conformance/provider-harness.js';
import type { UpstreamConformanceOptions } from '../../src/conformance/upstream/upstream-harness.js';
import { wireErrorBodies } from '../../src/conformance/upstream/wire-error-bodies.js';
import { startFakeUpstream } from '../../src/upstreams/start-fake-upstream.js';
import { startOllamaServer } from '../../src/upstreams/start-ollama-server.js';
import { startOpenAIServer } from '../../src/upstreams/start-openai-server.js';
import { startVllmServer } from '../../src/upstreams/start-vllm-server.js';
import { fakeNdjsonWire, fakeSseWire } from './fake-wires.js';
import { createReferenceOllamaProvider } from './reference-ollama-provider.js';
import { createReferenceOpenAIProvider } from './reference-openai-provider.js';

/** The wires the reference providers are run against: the simulators, and two fake wires. */
export type ReferenceWire = 'openai' | 'vllm' | 'ollama' | 'fake-ndjson' | 'fake-sse';

/** The upstream option for each wire, with the reference provider connected. */
export const referenceUpstreams: Record<ReferenceWire, UpstreamConformanceOptions> = {
  openai: {
    errorBodies: wireErrorBodies('openai'),
    start: () => startOpenAIServer(),
    connect: createReferenceOpenAIProvider,
    model: 'gpt-4o-mini',
  },
  vllm: {
    errorBodies: wireErrorBodies('vllm'),
    start: () => startVllmServer(),
    connect: createReferenceOpenAIProvider,
    model: 'meta-llama/Llama-3.1-8B-Instruct',
  },
  ollama: {
    errorBodies: wireErrorBodies('ollama'),
    start: () => startOllamaServer(),
    connect: createReferenceOllamaProvider,
    model: 'llama3.2',
  },
  'fake-ndjson': {
    // No quota body and no unparseable body: those rows fall back or are left out.
    errorBodies: { contextLength: { error: 'the prompt exceeds the context length' } },
    start: () => startFakeUpstream(fakeNdjsonWire, { models: ['fake-ndjson-1'] }),
    connect: createReferenceOllamaProvider,
    model: 'fake-ndjson-1',
  },
  'fake-sse': {
    errorBodies: {
      contextLength: { error: { message: 'context_length_exceeded', type: 'fake_error' } },
      insufficientQuota: { error: { message: 'quota spent', code: 'insufficient_quota' } },
      unauthorized: { error: { message: 'bad key', code: 'invalid_api_key' } },
      unparseable: '{"model":',
    },
    start: () => startFakeUpstream(fakeSseWire),
    connect: createReferenceOpenAIProvider,
    model: 'fake-model',
  },
};

/**
 * Provider conformance options for a wire: the ordinary checks run against a fresh simulator too
 * (closed with the provider), plus the upstream checks; `wrap` lets a test break the provider.
 */
export function referenceOptions(
  wire: ReferenceWire,
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
