import type { ProviderV1 } from '@loom/core';
import { serverOf } from '@loom/provider-utils';
import { chat, stream } from './chat-operations.js';
import { createRuntime } from './compatible-runtime.js';
import { embed } from './embed-operation.js';
import { checkHealth, listModels } from './models-operation.js';
import { createCompatibleClient } from './openai-compatible-client.js';
import type { OpenAICompatibleConfig } from './openai-compatible-config.js';

/**
 * Builds a `ProviderV1` for any server that speaks OpenAI's Chat Completions API: chat, streams,
 * embeddings, model listing and health over one keep-alive undici pool. Providers for
 * compatible servers (vLLM, LM Studio, llama.cpp) call this with their own id, type, error
 * parser and extra operations instead of copying the protocol.
 */
export function createOpenAICompatibleProvider(config: OpenAICompatibleConfig): ProviderV1 {
  const runtime = createRuntime(config);
  const client = createCompatibleClient(runtime);
  const { health, load } = config;
  const provider: ProviderV1 = {
    specificationVersion: 'v1',
    id: config.id,
    type: config.type,
    server: serverOf(config.baseURL),
    doListModels: ({ signal }) => listModels(runtime, signal),
    doChat: (request, context) => chat(runtime, request, context),
    doStream: (request, context) => stream(runtime, request, context),
    doEmbed: (request, context) => embed(runtime, request, context),
    doHealth: health
      ? (context) => health(client, context)
      : ({ signal }) => checkHealth(runtime, signal),
    close: () => runtime.client.close(),
  };
  if (load) provider.doLoad = (context) => load(client, context);
  return provider;
}
