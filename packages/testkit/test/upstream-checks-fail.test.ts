import {
  type ChatStreamPart,
  ProviderCallError,
  type ProviderStreamResult,
  type ProviderV1,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { providerChecks } from '../src/conformance/provider-checks.js';
import {
  type WireErrorBodies,
  wireErrorBodies,
} from '../src/conformance/upstream/wire-error-bodies.js';
import { checkNamed } from './helpers.js';
import { type ReferenceWire, referenceOptions } from './support/reference-upstreams.js';

type Transform = (provider: ProviderV1) => ProviderV1;

/** The upstream check `name` against the reference provider changed by `wrap`. */
const check = (name: string, wrap: Transform, wire: ReferenceWire = 'openai') =>
  checkNamed(providerChecks(referenceOptions(wire, wrap)), name);

/** A provider whose streams pass through `map` part by part, errors included. */
function mapStream(
  provider: ProviderV1,
  map: (stream: AsyncIterable<ChatStreamPart>) => AsyncIterable<ChatStreamPart>,
): ProviderV1 {
  return {
    ...provider,
    doStream: async (request, context): Promise<ProviderStreamResult> => {
      const { stream } = await provider.doStream(request, context);
      return { stream: map(stream) };
    },
  };
}

/** Every failure becomes a plain Error: the router can no longer tell what to do. */
const plainErrors: Transform = (provider) => {
  const plain = (error: unknown) => new Error(`failed: ${(error as Error).message}`);
  return mapStream(
    {
      ...provider,
      doChat: (request, context) =>
        Promise.resolve(provider.doChat(request, context)).catch((error) => {
          throw plain(error);
        }),
      doStream: (request, context) =>
        Promise.resolve(provider.doStream(request, context)).catch((error) => {
          throw plain(error);
        }),
    },
    async function* (stream) {
      try {
        yield* stream;
      } catch (error) {
        throw plain(error);
      }
    },
  );
};

/** A broken stream ends as if it had finished. */
const swallowCuts: Transform = (provider) =>
  mapStream(provider, async function* (stream) {
    try {
      yield* stream;
    } catch {
      yield { type: 'finish', finishReason: 'stop' };
    }
  });

/** Usage is dropped on the way. */
const dropUsage: Transform = (provider) =>
  mapStream(provider, async function* (stream) {
    for await (const part of stream) {
      if (part.type === 'usage') continue;
      yield part.type === 'finish' ? { type: 'finish', finishReason: part.finishReason } : part;
    }
  });

/** Retry hints are lost. */
const dropRetryHints: Transform = (provider) => ({
  ...provider,
  doChat: (request, context) =>
    Promise.resolve(provider.doChat(request, context)).catch((error: unknown) => {
      if (!ProviderCallError.isInstance(error)) throw error;
      throw new ProviderCallError({
        provider: 'x',
        message: error.message,
        code: error.code,
        upstreamStatus: error.upstreamStatus,
      });
    }),
});

/** The stream never tells the provider that the consumer stopped. */
const noRelease: Transform = (provider) => ({
  ...provider,
  doStream: async (request, context) => {
    const { stream } = await provider.doStream(request, {
      ...context,
      signal: new AbortController().signal,
    });
    const iterator = stream[Symbol.asyncIterator]();
    return {
      stream: {
        [Symbol.asyncIterator]: () => ({
          next: () => iterator.next(),
          return: async () => ({ done: true as const, value: undefined }),
        }),
      },
    };
  },
});

/** Health is always up. */
const alwaysUp: Transform = (provider) => ({
  ...provider,
  doHealth: async () => ({ status: 'up', checkedAt: Date.now() }),
});

describe('upstream checks fail on broken providers', () => {
  it('rejects a provider that throws plain Errors', async () => {
    const limited = check(
      'maps an upstream 429 with Retry-After: 2 to ProviderCallError rate_limited',
      plainErrors,
    );
    await expect(limited.run()).rejects.toThrow(
      /expected ProviderCallError, code rate_limited, isRetryable true, statusCode 429, retryAfterMs 2000; got Error: failed: .* \(not a LoomError\)/,
    );
    const refused = check(
      'rejects doChat with ConnectionError when the connection is refused',
      plainErrors,
    );
    await expect(refused.run()).rejects.toThrow(/expected ConnectionError, code connection_failed/);
    const inBand = check(
      'throws a retryable ProviderCallError from the stream on an in-band error after 1 chunk',
      plainErrors,
      'ollama',
    );
    await expect(inBand.run()).rejects.toThrow(/expected ProviderCallError.*not a LoomError/);
  });

  it('rejects a provider that ends cut or malformed streams cleanly', async () => {
    const cut = check(
      'throws a retryable LoomError from the stream when the connection is cut after 2 chunks',
      swallowCuts,
    );
    await expect(cut.run()).rejects.toThrow(/ended cleanly after \d+ parts/);
    const malformed = check(
      'throws MalformedResponseError from the stream on an unparseable chunk',
      swallowCuts,
      'vllm',
    );
    await expect(malformed.run()).rejects.toThrow(/ended cleanly/);
  });

  it('rejects a provider that loses usage or retry hints', async () => {
    const usage = check(
      'streams text deltas, then exactly one finish, with the text and usage the upstream sent',
      dropUsage,
    );
    await expect(usage.run()).rejects.toThrow(
      /expected the usage the upstream reported \(inputTokens \d+, outputTokens \d+, estimated false\); got no usage/,
    );
    const hint = check(
      'maps an upstream 429 with retry-after-ms: 1500 and Retry-After: 5 to ProviderCallError rate_limited',
      dropRetryHints,
    );
    await expect(hint.run()).rejects.toThrow(
      /retryAfterMs 1500; got ProviderCallError code rate_limited, .*retryAfterMs undefined/,
    );
  });

  it('rejects a provider that keeps the upstream request open', async () => {
    for (const name of [
      'closes the upstream request within 2 s when the consumer breaks out of the stream',
      'closes the upstream request within 2 s when the signal aborts mid-stream',
    ]) {
      await expect(check(name, noRelease).run()).rejects.toThrow(/still open/);
    }
  });

  it('rejects a provider that ignores its timeouts', async () => {
    const options = referenceOptions('openai');
    const upstream = options.upstream!;
    const patient = providerChecks({
      ...options,
      upstream: {
        ...upstream,
        connect: (baseURL) =>
          upstream.connect(baseURL, { headersTimeoutMs: 8_000, bodyTimeoutMs: 8_000 }),
      },
    });
    const hang = checkNamed(
      patient,
      'rejects doChat with TimeoutError (attempt) when no headers arrive within headersTimeoutMs (300 ms)',
    );
    await expect(hang.run()).rejects.toThrow(/did not settle within 3300 ms/);
  });

  it('rejects a provider whose health ignores a failing upstream', async () => {
    const down = check(
      'reports health down when the upstream answers 503 on every path (when it has doHealth)',
      alwaysUp,
      'vllm',
    );
    await expect(down.run()).rejects.toThrow(/expected doHealth\(\) status 'down'; got 'up'/);
  });

  it('catches the same mistakes against a fake upstream', async () => {
    const cut = check(
      'throws a retryable LoomError from the stream when the connection is cut after 2 chunks',
      swallowCuts,
      'fake-sse',
    );
    await expect(cut.run()).rejects.toThrow(/ended cleanly after \d+ parts/);
    const unauthorized = check(
      'maps an upstream 401 to ProviderCallError authentication_failed',
      plainErrors,
      'fake-ndjson',
    );
    await expect(unauthorized.run()).rejects.toThrow(/expected ProviderCallError.*not a LoomError/);
    const usage = check(
      'answers doChat with the text and usage the upstream sent',
      (provider) => ({
        ...provider,
        doChat: async (request, context) => {
          const response = await provider.doChat(request, context);
          return { ...response, usage: { ...response.usage, outputTokens: 0 } };
        },
      }),
      'fake-ndjson',
    );
    await expect(usage.run()).rejects.toThrow(/expected the usage the upstream reported/);
  });

  it('has the rows that need a wire body only when the wire gives that body', () => {
    const names = (errorBodies: WireErrorBodies | undefined) => {
      const options = referenceOptions('openai');
      const upstream = { ...options.upstream!, errorBodies };
      return providerChecks({ ...options, upstream }).map((entry) => entry.name);
    };
    const context =
      'maps an upstream 400 context length exceeded to ProviderCallError context_length_exceeded';
    const quota = 'maps an upstream 429 insufficient_quota to ProviderCallError insufficient_quota';
    const unauthorized = 'maps an upstream 401 to ProviderCallError authentication_failed';
    expect(names(wireErrorBodies('openai'))).toEqual(expect.arrayContaining([context, quota]));
    const bare = names(undefined);
    expect(bare).toContain(unauthorized);
    expect(bare).not.toContain(context);
    expect(bare).not.toContain(quota);
    const ollama = names(wireErrorBodies('ollama'));
    expect([ollama.includes(context), ollama.includes(quota)]).toEqual([true, false]);
  });

  it('adds the upstream checks only with the upstream option', () => {
    const { upstream: _left, ...without } = referenceOptions('openai');
    const names = providerChecks(without).map((entry) => entry.name);
    expect(names.some((name) => name.startsWith('maps an upstream'))).toBe(false);
  });
});
