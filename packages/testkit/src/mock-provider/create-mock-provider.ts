import type {
  CallContext,
  ChatRequest,
  ChatResponse,
  EmbedRequest,
  EmbedResponse,
  HealthReport,
  ModelInfo,
  ProviderStreamResult,
  ProviderV1,
} from '@loom/core';
import { throwIfAborted } from '../internal/sleep.js';
import { lastUserText } from '../internal/words.js';
import { type MockCall, settleAfter, trackCall } from './call-recorder.js';
import { playChat, playEmbed, playStream } from './mock-operations.js';
import {
  type MockResponder,
  type MockStep,
  type MockStepOperation,
  mockReply,
} from './mock-steps.js';

/** A health report, or a function producing one per check. */
export type MockHealth = HealthReport | (() => HealthReport | Promise<HealthReport>);

/** Options of `createMockProvider`. */
export interface MockProviderOptions {
  /** Provider id; default `mock`. */
  id?: string;
  /** Provider type; default `mock`. */
  type?: string;
  /** Models listed; default one `mock-model` that can chat, stream, call tools and embed. */
  models?: ModelInfo[];
  /** Steps consumed first in, first out: one per `doChat`, `doStream` or `doEmbed` call. */
  script?: MockStep[];
  /** What to do once the script is empty; default a reply echoing the last user message. */
  fallback?: MockStep | MockResponder;
  /** What `doHealth` reports; default `up`. */
  health?: MockHealth;
  /** Set `false` for a provider without `doEmbed`; default true. */
  embeddings?: boolean;
  /** Reported as the upstream address. */
  server?: { address: string; port?: number };
}

/** A scriptable `ProviderV1` that records every call. */
export interface MockProvider extends ProviderV1 {
  /** Every call so far, oldest first. */
  readonly calls: readonly MockCall[];
  /** Script steps not yet consumed. */
  readonly pending: number;
  /** How many times `close()` was called. */
  readonly closeCount: number;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** Appends steps to the script. */
  enqueue(...steps: MockStep[]): void;
  /** Replaces what `doHealth` reports. */
  setHealth(health: MockHealth): void;
  /** Forgets calls, drops the remaining script and clears the closed state. */
  reset(): void;
  /** Lists the configured models. */
  doListModels(context: { signal: AbortSignal }): Promise<ModelInfo[]>;
  /** Plays the next step as a chat completion. */
  doChat(request: ChatRequest, context: CallContext): Promise<ChatResponse>;
  /** Plays the next step as a stream. */
  doStream(request: ChatRequest, context: CallContext): Promise<ProviderStreamResult>;
  /** Plays the next step as embeddings; absent with `embeddings: false`. */
  doEmbed?(request: EmbedRequest, context: CallContext): Promise<EmbedResponse>;
  /** Reports the configured health. */
  doHealth(context: { signal: AbortSignal }): Promise<HealthReport>;
  /** Counts the close; never fails. */
  close(): Promise<void>;
}

function defaultModels(embeddings: boolean): ModelInfo[] {
  return [
    {
      id: 'mock-model',
      contextWindow: 8_192,
      capabilities: { chat: true, streaming: true, tools: true, embeddings },
    },
  ];
}

function fallbackStep(
  fallback: MockStep | MockResponder | undefined,
  request: ChatRequest | EmbedRequest,
  operation: MockStepOperation,
): MockStep {
  const chosen = typeof fallback === 'function' ? fallback(request, operation) : fallback;
  if (chosen) return chosen;
  return mockReply('messages' in request ? (lastUserText(request) ?? '') : '');
}

/**
 * Creates a mock provider: a real `ProviderV1` whose upstream is a script. Every delay honours
 * the call's signal, so kernels' timeouts, aborts and failover can be tested without a network.
 */
export function createMockProvider(options: MockProviderOptions = {}): MockProvider {
  const id = options.id ?? 'mock';
  const embeddings = options.embeddings ?? true;
  const models = options.models ?? defaultModels(embeddings);
  let script: MockStep[] = [...(options.script ?? [])];
  let calls: MockCall[] = [];
  let health: MockHealth =
    options.health ?? (() => ({ status: 'up', checkedAt: Date.now(), latencyMs: 0 }));
  let closeCount = 0;
  let responses = 0;

  // Runs inside async methods only, so its throw becomes a rejection, never a sync throw.
  const begin = (
    operation: MockStepOperation,
    request: ChatRequest | EmbedRequest,
    context: CallContext,
  ) => {
    const tracked = trackCall(calls, operation, context, request);
    if (context.signal.aborted) {
      // An aborted call never reached the upstream, so it leaves the script untouched.
      tracked.settle();
      throw context.signal.reason;
    }
    const step = script.shift() ?? fallbackStep(options.fallback, request, operation);
    responses += 1;
    const scope = { providerId: id, responseId: `mock-${responses}`, signal: context.signal };
    return { tracked, step, scope };
  };

  const provider: MockProvider = {
    specificationVersion: 'v1',
    id,
    type: options.type ?? 'mock',
    ...(options.server ? { server: options.server } : {}),
    get calls() {
      return calls;
    },
    get pending() {
      return script.length;
    },
    get closeCount() {
      return closeCount;
    },
    get closed() {
      return closeCount > 0;
    },
    doListModels(context) {
      return settleAfter(trackCall(calls, 'models', context), async () => {
        throwIfAborted(context.signal);
        return models.map((model) => ({ ...model, capabilities: { ...model.capabilities } }));
      });
    },
    async doChat(request, context) {
      const { tracked, step, scope } = begin('chat', request, context);
      return settleAfter(tracked, () => playChat(step, request, scope));
    },
    async doStream(request, context) {
      const { tracked, step, scope } = begin('stream', request, context);
      try {
        return await playStream(step, request, scope, tracked.settle);
      } catch (error) {
        tracked.settle();
        throw error;
      }
    },
    doHealth(context) {
      return settleAfter(trackCall(calls, 'health', context), async () => {
        throwIfAborted(context.signal);
        const report = typeof health === 'function' ? await health() : health;
        throwIfAborted(context.signal);
        return { ...report };
      });
    },
    enqueue(...steps) {
      script.push(...steps);
    },
    setHealth(next) {
      health = next;
    },
    reset() {
      script = [];
      calls = [];
      closeCount = 0;
    },
    async close() {
      closeCount += 1;
    },
  };
  if (embeddings) {
    provider.doEmbed = async (request, context) => {
      const { tracked, step, scope } = begin('embed', request, context);
      return settleAfter(tracked, () => playEmbed(step, request, scope));
    };
  }
  return provider;
}
