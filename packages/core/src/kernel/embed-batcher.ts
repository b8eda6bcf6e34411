import { Cancellation } from '../cancel/cancellation.js';
import { MalformedResponseError } from '../errors/malformed-response-error.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { EmbedResponse } from '../spec/embed/embed-response.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { Usage } from '../spec/shared/usage.js';
import { AttemptCancellation } from './attempt-cancellation.js';

/** How concurrent embedding calls to one deployment are coalesced. */
export interface EmbeddingBatchingOptions {
  /** How long the first call of a batch waits for others, ms; default 5. */
  windowMs?: number;
  /** Most inputs in one upstream call; default 64. */
  maxInputs?: number;
}

interface Waiter {
  request: EmbedRequest;
  resolve: (response: EmbedResponse) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  waiters: Waiter[];
  inputs: number;
  timer: ReturnType<typeof setTimeout>;
}

/** Splits batch usage by each caller's share of the input characters. */
function share(usage: Usage, parts: number[]): Usage[] {
  const total = parts.reduce((sum, n) => sum + n, 0) || 1;
  let left = usage.inputTokens;
  return parts.map((part, index) => {
    const tokens =
      index === parts.length - 1 ? left : Math.round((usage.inputTokens * part) / total);
    left -= tokens;
    return {
      inputTokens: tokens,
      outputTokens: 0,
      totalTokens: tokens,
      estimated: usage.estimated,
    };
  });
}

/**
 * Coalesces concurrent `doEmbed` calls to the same deployment (same dimensions and options) into
 * one upstream call within a short window, then splits the vectors back. The batch has its own
 * cancellation: one caller giving up does not cancel the others' vectors.
 */
export class EmbedBatcher {
  private readonly batches = new Map<string, Batch>();
  private readonly windowMs: number;
  private readonly maxInputs: number;
  private readonly root = new Cancellation();

  constructor(options: EmbeddingBatchingOptions = {}) {
    this.windowMs = options.windowMs ?? 5;
    this.maxInputs = options.maxInputs ?? 64;
  }

  embed(
    provider: ProviderV1,
    deployment: Deployment,
    request: EmbedRequest,
  ): Promise<EmbedResponse> {
    const key = `${deployment.id}\u0000${request.dimensions ?? ''}\u0000${JSON.stringify(request.providerOptions ?? {})}`;
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(key);
      if (batch && batch.inputs + request.input.length > this.maxInputs) {
        this.flush(key, provider);
        batch = undefined;
      }
      if (!batch) {
        batch = {
          waiters: [],
          inputs: 0,
          timer: setTimeout(() => this.flush(key, provider), this.windowMs),
        };
        this.batches.set(key, batch);
      }
      batch.waiters.push({ request, resolve, reject });
      batch.inputs += request.input.length;
      if (batch.inputs >= this.maxInputs) this.flush(key, provider);
    });
  }

  /** Rejects what is waiting and cancels batches under way (kernel stop). */
  close(reason: unknown): void {
    this.root.abort(reason);
  }

  private flush(key: string, provider: ProviderV1): void {
    const batch = this.batches.get(key);
    if (!batch) return;
    this.batches.delete(key);
    clearTimeout(batch.timer);
    const waiters = batch.waiters;
    const first = waiters[0]!.request;
    const scope = new AttemptCancellation(this.root);
    const request: EmbedRequest = {
      ...first,
      input: waiters.flatMap((w) => w.request.input),
      metadata: undefined,
    };
    Promise.resolve(
      provider.doEmbed!(request, {
        signal: scope.signal,
        requestId: `batch-${key.length}`,
        attempt: 1,
      }),
    )
      .then((response) => {
        if (response.embeddings.length !== request.input.length) {
          throw new MalformedResponseError({
            provider: provider.id,
            message: `${response.embeddings.length} vectors for ${request.input.length} inputs`,
          });
        }
        const sizes = waiters.map((w) =>
          w.request.input.reduce((sum, text) => sum + text.length, 0),
        );
        const usages = share(response.usage, sizes);
        let offset = 0;
        waiters.forEach((waiter, index) => {
          const count = waiter.request.input.length;
          const embeddings = response.embeddings.slice(offset, offset + count);
          offset += count;
          waiter.resolve({ model: response.model, embeddings, usage: usages[index]! });
        });
      })
      .catch((error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      })
      .finally(() => scope.dispose());
  }
}
