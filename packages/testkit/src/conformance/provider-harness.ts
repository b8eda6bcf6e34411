import type { CallContext, ChatRequest, ChatStreamPart, ProviderV1 } from '@loom/core';
import { attempt, settleWithin } from './check.js';
import type { UpstreamConformanceOptions } from './upstream/upstream-harness.js';

/** Options of `providerChecks` and `testProvider`. */
export interface ProviderConformanceOptions {
  /** Makes a fresh provider; called once per check and closed after it. */
  createProvider: () => ProviderV1 | Promise<ProviderV1>;
  /** Upstream model id for chat and stream checks. */
  chatModel: string;
  /** Upstream model id for the embeddings check; without it the check is left out. */
  embeddingModel?: string;
  /** A request that keeps the upstream busy for more than 2 s; enables mid-request abort checks. */
  slowRequest?: ChatRequest;
  /** A request the upstream must refuse; enables the error-shape checks. */
  failingRequest?: ChatRequest;
  /** Limit for one ordinary call (list, chat, a whole stream, embed); default 30 000 ms. */
  timeoutMs?: number;
  /**
   * Runs the provider against a simulated upstream (`startOpenAIServer`, `startOllamaServer`,
   * `startVllmServer`, or `startFakeUpstream` for any other wire), which adds the error-mapping,
   * timeout, broken-stream, release, listing and health checks.
   */
  upstream?: UpstreamConformanceOptions;
}

/** The bound for "promptly": abort and release must take effect within this. */
export const PROMPT_MS = 1_000;

/** The call limit a check uses. */
export function callTimeout(options: ProviderConformanceOptions): number {
  return options.timeoutMs ?? 30_000;
}

/** A small request every provider can answer. */
export function sampleRequest(options: Pick<ProviderConformanceOptions, 'chatModel'>): ChatRequest {
  return {
    model: options.chatModel,
    messages: [
      { role: 'system', content: 'You are a test endpoint. Answer in a few words.' },
      { role: 'user', content: 'Say hello to the Loom conformance suite.' },
    ],
    maxTokens: 64,
    temperature: 0,
  };
}

/** A call context as the kernel would pass it. */
export function callContext(signal: AbortSignal): CallContext {
  return { signal, requestId: `conformance-${Math.random().toString(36).slice(2)}`, attempt: 1 };
}

/**
 * Runs `use` with a fresh provider and closes it afterwards, so real providers do not leak
 * connection pools between checks. A failing close is left to the close check to report.
 */
export async function withProvider(
  options: ProviderConformanceOptions,
  use: (provider: ProviderV1) => Promise<void>,
  { close = true }: { close?: boolean } = {},
): Promise<void> {
  const provider = await options.createProvider();
  try {
    await use(provider);
  } finally {
    if (close && provider.close) {
      await settleWithin(
        attempt(() => provider.close!()),
        callTimeout(options),
        'close()',
      ).catch(() => {});
    }
  }
}

/** Starts a stream and reads it to the end. */
export async function readStream(
  provider: ProviderV1,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<ChatStreamPart[]> {
  const { stream } = await attempt(() => provider.doStream(request, callContext(signal)));
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}
