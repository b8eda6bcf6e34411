import { type CacheEntry, type CacheStore, MemoryCacheStore } from '../cache/cache-store.js';
import { canonicalRequestKey } from '../cache/canonical-key.js';
import { replayAsStream, StreamAssembler } from '../cache/replay-stream.js';
import { LoomError } from '../errors/loom-error.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { ChatResponse } from '../spec/chat/chat-response.js';
import type { ChatStreamPart } from '../spec/chat/chat-stream-part.js';
import type { KernelEvents } from '../spec/plugin/v1/kernel-events.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { CallOptions, KernelChatResponse, KernelStream } from './kernel-types.js';

/** Reports cache lookups; only called when someone listens. */
export type CacheLookupReporter = (event: KernelEvents['cache:lookup']) => void;

/** Response cache options. */
export interface CacheOptions {
  /** How long an answer stays, ms; default 300 000. */
  ttlMs?: number;
  /** Largest number of answers in the default in-memory store; default 1 000. */
  maxEntries?: number;
  /** Another store (shared across gateways); default an in-memory LRU. */
  store?: CacheStore;
}

/** What to answer when every deployment failed. */
export interface DegradedOptions {
  /** `throw` (default), a fixed `message`, or the last `cached` answer to the same request (then the message). */
  mode: 'throw' | 'message' | 'cached';
  /** The fallback text. */
  message?: string;
}

const DEGRADED_DEPLOYMENT: Deployment = Object.freeze({
  id: 'loom/degraded',
  providerId: 'loom',
  model: 'degraded',
});

function loomInfo(
  requestId: string,
  deployment: Deployment,
  flags: { cached?: boolean; degraded?: boolean },
) {
  return { requestId, deployment, attempts: 0, ...flags };
}

/**
 * The stages in front of routing for chat: exact-match cache, single-flight for identical
 * concurrent requests, and the degraded answer when everything failed. None of it runs (not even
 * the key hash) unless configured.
 */
export class ChatFeatures {
  private readonly store?: CacheStore;
  private readonly ttlMs: number;
  private readonly flights = new Map<string, Promise<KernelChatResponse>>();
  hits = 0;
  misses = 0;
  shared = 0;

  constructor(
    cache: CacheOptions | undefined,
    private readonly singleFlight: boolean,
    private readonly degraded: DegradedOptions | undefined,
    private readonly now: () => number,
    private readonly newId: () => string,
    private readonly report?: CacheLookupReporter,
  ) {
    this.store = cache ? (cache.store ?? new MemoryCacheStore(cache.maxEntries, now)) : undefined;
    this.ttlMs = cache?.ttlMs ?? 300_000;
  }

  get active(): boolean {
    return (
      this.store !== undefined ||
      this.singleFlight ||
      (this.degraded !== undefined && this.degraded.mode !== 'throw')
    );
  }

  async chat(
    request: ChatRequest,
    options: CallOptions | undefined,
    run: () => Promise<KernelChatResponse>,
  ) {
    const key = canonicalRequestKey(request);
    const useCache = this.store !== undefined && options?.cache !== false;
    const hit = useCache ? await this.lookup(key) : undefined;
    const servedId = hit ? (options?.requestId ?? this.newId()) : undefined;
    if (useCache) this.reportLookup('chat', request.model, hit, servedId);
    if (hit) {
      return { ...hit.response, loom: loomInfo(servedId!, hit.deployment, { cached: true }) };
    }
    const running = this.singleFlight ? this.flights.get(key) : undefined;
    if (running) return this.follow(running, options, run);
    const pending = run();
    if (this.singleFlight) {
      this.flights.set(key, pending);
      pending.then(
        () => this.flights.delete(key),
        () => this.flights.delete(key),
      );
    }
    try {
      const response = await pending;
      if (useCache) await this.remember(key, response, response.loom.deployment);
      return response;
    } catch (error) {
      const fallback = await this.degrade(key, error, options);
      if (fallback) return fallback;
      throw error;
    }
  }

  /** A cached stream replays; a fresh one is cached once it finishes cleanly. */
  async stream(
    request: ChatRequest,
    options: CallOptions | undefined,
    run: () => Promise<KernelStream>,
  ) {
    const key = canonicalRequestKey(request);
    const useCache = this.store !== undefined && options?.cache !== false;
    const hit = useCache ? await this.lookup(key) : undefined;
    const servedId = hit ? (options?.requestId ?? this.newId()) : undefined;
    if (useCache) this.reportLookup('stream', request.model, hit, servedId);
    if (hit) return replayed(hit.response, servedId, hit.deployment);
    try {
      const stream = await run();
      return useCache ? this.caching(stream, key) : stream;
    } catch (error) {
      const fallback = await this.degrade(key, error, options);
      if (fallback) return replayed(fallback, fallback.loom.requestId, DEGRADED_DEPLOYMENT);
      throw error;
    }
  }

  /** A cache lookup that keeps the hit and miss counters. */
  private async lookup(key: string): Promise<CacheEntry | undefined> {
    const hit = await this.store?.get(key);
    if (hit) this.hits += 1;
    else this.misses += 1;
    return hit;
  }

  private reportLookup(
    operation: 'chat' | 'stream',
    model: string,
    hit: CacheEntry | undefined,
    requestId: string | undefined,
  ): void {
    this.report?.({
      operation,
      model,
      hit: hit !== undefined,
      requestId,
      deployment: hit?.deployment,
      timestamp: this.now(),
    });
  }

  private async follow(
    leader: Promise<KernelChatResponse>,
    options: CallOptions | undefined,
    run: () => Promise<KernelChatResponse>,
  ) {
    try {
      const response = await leader;
      this.shared += 1;
      return {
        ...response,
        loom: { ...response.loom, requestId: options?.requestId ?? this.newId(), shared: true },
      };
    } catch (error) {
      // The leader's caller gave up: that is not this caller's failure, so run on its own.
      if (LoomError.isInstance(error) && error.code === 'aborted') return run();
      throw error;
    }
  }

  private async remember(
    key: string,
    response: ChatResponse,
    deployment: Deployment,
  ): Promise<void> {
    const { loom: _loom, ...answer } = response as KernelChatResponse;
    await this.store!.set(key, { response: answer, deployment, storedAt: this.now() }, this.ttlMs);
  }

  private async degrade(
    key: string,
    error: unknown,
    options: CallOptions | undefined,
  ): Promise<KernelChatResponse | undefined> {
    const degraded = this.degraded;
    if (!degraded || degraded.mode === 'throw' || !LoomError.isInstance(error)) return undefined;
    const outage =
      error.isRetryable ||
      error.code === 'all_providers_failed' ||
      error.code === 'no_healthy_provider';
    if (!outage) return undefined;
    const requestId = options?.requestId ?? this.newId();
    if (degraded.mode === 'cached' && this.store) {
      const last = await this.store.get(key);
      if (last)
        return {
          ...last.response,
          loom: loomInfo(requestId, last.deployment, { cached: true, degraded: true }),
        };
    }
    if (degraded.message === undefined) return undefined;
    return {
      model: 'degraded',
      message: { role: 'assistant', content: degraded.message },
      finishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, estimated: false },
      loom: loomInfo(requestId, DEGRADED_DEPLOYMENT, { degraded: true }),
    };
  }

  private caching(stream: KernelStream, key: string): KernelStream {
    const features = this;
    const assembler = new StreamAssembler();
    return {
      requestId: stream.requestId,
      deployment: stream.deployment,
      attempts: stream.attempts,
      cancel: (reason) => stream.cancel(reason),
      async *[Symbol.asyncIterator]() {
        for await (const part of stream) {
          assembler.add(part);
          yield part;
        }
        const answer = assembler.result();
        if (answer) await features.remember(key, answer, stream.deployment);
      },
    };
  }
}

function replayed(
  response: ChatResponse,
  requestId: string | undefined,
  deployment: Deployment,
): KernelStream {
  let cancelled = false;
  return {
    requestId: requestId ?? '',
    deployment,
    attempts: [],
    cached: true,
    cancel: () => {
      cancelled = true;
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<ChatStreamPart> {
      for (const part of replayAsStream(response)) {
        if (cancelled) return;
        yield part;
      }
    },
  };
}
