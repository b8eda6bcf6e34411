import { type LoadSignal, MalformedResponseError } from '@loom/core';
import type { ExtraOperation, OpenAICompatibleClient } from '@loom/provider-openai/compatible';
import { parseVllmMetrics } from './parse-vllm-metrics.js';

// The shared scrape is not tied to any one caller's signal: one caller giving up must not fail
// the others waiting on it. undici's header and body timeouts still bound it.
const unabortable = new AbortController().signal;

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

async function scrape(client: OpenAICompatibleClient): Promise<LoadSignal> {
  const response = await client.getOk('/metrics', { signal: unabortable });
  try {
    return parseVllmMetrics(response.text, Date.now());
  } catch {
    throw new MalformedResponseError({
      provider: client.providerId,
      message: '/metrics did not answer with Prometheus text.',
    });
  }
}

/**
 * `doLoad` for vLLM: scrapes `/metrics`, keeps the reading for `cacheMs` so the router can ask on
 * every request, and shares one scrape among concurrent callers. Failures are not cached.
 */
export function createLoadReader(cacheMs: number): ExtraOperation<LoadSignal> {
  let cached: LoadSignal | undefined;
  let cachedAt = 0;
  let pending: Promise<LoadSignal> | undefined;
  return async (client, { signal }) => {
    signal.throwIfAborted();
    if (cached && performance.now() - cachedAt < cacheMs) return cached;
    pending ??= scrape(client)
      .then((reading) => {
        cached = reading;
        cachedAt = performance.now();
        return reading;
      })
      .finally(() => {
        pending = undefined;
      });
    return untilAborted(pending, signal);
  };
}
