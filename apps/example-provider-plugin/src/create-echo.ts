import type { ModelInfo, ProviderV1 } from '@loom/core';
import { echoEmbedding } from './echo-embedding.js';
import { countWords, planEcho } from './echo-request.js';
import {
  type EchoSettings,
  type ResolvedEchoSettings,
  resolveEchoSettings,
} from './echo-settings.js';
import { echoStream } from './echo-stream.js';
import { sleep } from './sleep.js';

/** The model the echo provider lists; it answers to any model id. */
export const ECHO_MODEL = 'echo-1';

/** The echo provider: a `ProviderV1` plus the settings it runs with. */
export interface EchoProvider extends ProviderV1 {
  /** Validated, frozen settings. */
  readonly settings: ResolvedEchoSettings;
}

const models: readonly ModelInfo[] = [
  {
    id: ECHO_MODEL,
    contextWindow: 8_192,
    ownedBy: 'loom-provider-echo',
    capabilities: { chat: true, streaming: true, embeddings: true },
  },
];

/**
 * Creates an echo provider: it answers with the last user message (after `prefix`), streams it
 * word by word, counts words as tokens and embeds text deterministically. Settings are checked
 * here, once; a wrong one throws a `ConfigError` naming it.
 */
export function createEcho(settings?: EchoSettings): EchoProvider {
  const resolved = resolveEchoSettings(settings);
  let responses = 0;
  const nextId = () => `echo-${++responses}`;
  return {
    specificationVersion: 'v1',
    id: resolved.id,
    type: 'echo',
    settings: resolved,
    async doListModels({ signal }) {
      signal.throwIfAborted();
      return models.map((model) => ({ ...model, capabilities: { ...model.capabilities } }));
    },
    async doChat(request, { signal }) {
      signal.throwIfAborted();
      const plan = planEcho(request, resolved);
      await sleep(plan.delayMs, signal);
      return {
        id: nextId(),
        model: request.model,
        message: { role: 'assistant', content: plan.answer },
        finishReason: 'stop',
        usage: plan.usage,
      };
    },
    async doStream(request, { signal }) {
      signal.throwIfAborted();
      const plan = planEcho(request, resolved);
      // The delay stands for the upstream accepting the request, so it comes before we resolve.
      await sleep(plan.delayMs, signal);
      return { stream: echoStream(plan, { id: nextId(), model: request.model }, signal) };
    },
    async doEmbed(request, { signal }) {
      signal.throwIfAborted();
      await sleep(resolved.delayMs, signal);
      const inputTokens = request.input.reduce((sum, text) => sum + countWords(text), 0);
      return {
        model: request.model,
        embeddings: request.input.map((text) => echoEmbedding(text, request.dimensions ?? 8)),
        usage: { inputTokens, outputTokens: 0, totalTokens: inputTokens, estimated: false },
      };
    },
    async doHealth({ signal }) {
      signal.throwIfAborted();
      return { status: 'up', checkedAt: Date.now(), latencyMs: 0 };
    },
    // Nothing to release: no sockets, no timers outlive a call.
    async close() {},
  };
}
