import {
  type ChatRequest,
  type ChatStreamPart,
  ProviderCallError,
  type ProviderV1,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { providerChecks } from '../src/conformance/provider-checks.js';
import type { ProviderConformanceOptions } from '../src/conformance/provider-harness.js';
import {
  createMockProvider,
  type MockProviderOptions,
} from '../src/mock-provider/create-mock-provider.js';
import { mockReply, mockStream } from '../src/mock-provider/mock-steps.js';
import { checkNamed } from './helpers.js';

const slowRequest: ChatRequest = {
  model: 'mock-model',
  messages: [{ role: 'user', content: 'slow please' }],
  providerOptions: { mock: { slow: true } },
};

/** Checks against a provider made by `make`, with every optional check enabled. */
function checks(make: () => ProviderV1, extra: Partial<ProviderConformanceOptions> = {}) {
  return providerChecks({
    createProvider: make,
    chatModel: 'mock-model',
    embeddingModel: 'mock-model',
    slowRequest,
    timeoutMs: 3_000,
    ...extra,
  });
}

/** A mock that is slow for `slowRequest` and otherwise follows `options`. */
function mock(options: MockProviderOptions = {}) {
  return createMockProvider({
    fallback: (request) =>
      request.providerOptions?.mock?.slow ? mockReply('late', { delayMs: 5_000 }) : undefined,
    ...options,
  });
}

/** A mock with some members replaced. */
const broken = (overrides: Record<string, unknown>, options?: MockProviderOptions) => () =>
  ({ ...mock(options), ...overrides }) as ProviderV1;

/** A mock that never sees the caller's signal. */
function deaf(): ProviderV1 {
  const inner = mock();
  const silent = () => new AbortController().signal;
  return {
    ...inner,
    doChat: (request, context) => inner.doChat(request, { ...context, signal: silent() }),
    doStream: (request, context) => inner.doStream(request, { ...context, signal: silent() }),
  };
}

/** A provider whose stream yields `parts` as given. */
const streaming = (parts: ReadonlyArray<string | ChatStreamPart>) =>
  broken({}, { script: [mockStream(parts)] });

const SHAPE = 'declares specificationVersion v1, an id and a type';
const CHAT = 'answers doChat with a valid ChatResponse and consistent usage';
const STREAM = 'streams valid parts ending in exactly one finish part';
const RELEASE = 'releases the stream when the consumer stops after the first part';

describe('provider checks fail on broken providers', () => {
  it('pass on the mock provider, so each failure below is specific', async () => {
    for (const check of checks(() => mock())) await check.run();
  });

  it('rejects a wrong specification version and an empty id', async () => {
    const v2 = checkNamed(checks(broken({ specificationVersion: 'v2' })), SHAPE);
    await expect(v2.run()).rejects.toThrow(/specificationVersion is "v2"/);
    const noId = checkNamed(checks(broken({ id: '' })), SHAPE);
    await expect(noId.run()).rejects.toThrow(/id is ""/);
  });

  it('rejects models that are not ModelInfo', async () => {
    const make = broken({ doListModels: async () => [{ id: 'x' }] });
    const check = checkNamed(checks(make), 'lists models that parse as ModelInfo');
    await expect(check.run()).rejects.toThrow(/doListModels\(\)\[0\].*capabilities/);
  });

  it('rejects negative usage and an inconsistent total', async () => {
    const negative = broken({}, { script: [mockReply('hi', { usage: { inputTokens: -1 } })] });
    await expect(checkNamed(checks(negative), CHAT).run()).rejects.toThrow(/usage\.inputTokens/);
    const total = broken({}, { script: [mockReply('hi', { usage: { totalTokens: 99 } })] });
    await expect(checkNamed(checks(total), CHAT).run()).rejects.toThrow(/totalTokens \(99\)/);
  });

  it('rejects streams without finish, with finish not last, empty deltas or no content', async () => {
    const cut = broken({}, { script: [mockStream(['a', 'b'], { omitFinish: true })] });
    await expect(checkNamed(checks(cut), STREAM).run()).rejects.toThrow(/0 finish parts/);
    const early = streaming([{ type: 'finish', finishReason: 'stop' }, 'late text']);
    await expect(checkNamed(checks(early), STREAM).run()).rejects.toThrow(/must be the last/);
    const twice = streaming([
      'a',
      { type: 'finish', finishReason: 'stop' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    await expect(checkNamed(checks(twice), STREAM).run()).rejects.toThrow(/2 finish parts/);
    const empty = streaming([
      { type: 'text-delta', delta: '' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    await expect(checkNamed(checks(empty), STREAM).run()).rejects.toThrow(/stream part #0/);
    const silent = streaming([{ type: 'finish', finishReason: 'stop' }]);
    await expect(checkNamed(checks(silent), STREAM).run()).rejects.toThrow(/no text-delta/);
  });

  it('rejects a stream that cannot be released', async () => {
    const part: ChatStreamPart = { type: 'text-delta', delta: 'x' };
    const stuck = broken({
      doStream: async () => ({
        stream: {
          [Symbol.asyncIterator]: () => ({
            next: async () => ({ done: false, value: part }),
            return: () => new Promise(() => {}),
          }),
        },
      }),
    });
    await expect(checkNamed(checks(stuck), RELEASE).run()).rejects.toThrow(/within 1000 ms/);
    const noReturn = broken({
      doStream: async () => ({
        stream: {
          [Symbol.asyncIterator]: () => ({ next: async () => ({ done: false, value: part }) }),
        },
      }),
    });
    await expect(checkNamed(checks(noReturn), RELEASE).run()).rejects.toThrow(/no return\(\)/);
  });

  it('rejects a provider that ignores abort signals', async () => {
    const list = checks(deaf);
    const before = checkNamed(list, 'rejects doChat promptly when the signal is already aborted');
    await expect(before.run()).rejects.toThrow(/resolved, but it must reject/);
    const beforeStream = checkNamed(
      list,
      'rejects doStream promptly when the signal is already aborted',
    );
    await expect(beforeStream.run()).rejects.toThrow(/resolved, but it must reject/);
    for (const operation of ['doChat', 'doStream']) {
      const midway = checkNamed(
        list,
        `rejects ${operation} within 1 s when aborted 100 ms into a slow request`,
      );
      await expect(midway.run()).rejects.toThrow(/did not settle within 1000 ms/);
    }
  });

  it('rejects a slowRequest that is not slow', async () => {
    const fast = checks(() => mock(), { slowRequest: { ...slowRequest, providerOptions: {} } });
    const check = checkNamed(
      fast,
      'rejects doChat within 1 s when aborted 100 ms into a slow request',
    );
    await expect(check.run()).rejects.toThrow(/before any abort/);
  });

  it('rejects failures that are not coded LoomErrors, and failing requests that succeed', async () => {
    const failingRequest: ChatRequest = {
      model: 'mock-model',
      messages: [{ role: 'user', content: 'no' }],
    };
    const plain = broken({}, { script: [{ type: 'error', error: new Error('raw failure') }] });
    const chat = checkNamed(
      checks(plain, { failingRequest }),
      'rejects a failing doChat with a coded LoomError',
    );
    await expect(chat.run()).rejects.toThrow(/not a LoomError/);
    const lenient = checks(() => mock(), { failingRequest });
    const stream = checkNamed(lenient, 'rejects a failing doStream with a coded LoomError');
    await expect(stream.run()).rejects.toThrow(/resolved, but it must reject/);
    const coded = broken(
      {},
      {
        script: [
          { type: 'error', error: new ProviderCallError({ provider: 'mock', message: 'no' }) },
        ],
      },
    );
    await checkNamed(
      checks(coded, { failingRequest }),
      'rejects a failing doChat with a coded LoomError',
    ).run();
  });

  it('rejects wrong embeddings and invalid health reports', async () => {
    const short = broken({
      doEmbed: async () => ({
        model: 'm',
        embeddings: [[1, 0]],
        usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1, estimated: false },
      }),
    });
    const embed = checkNamed(checks(short), 'embeds one vector per input, all of one length');
    await expect(embed.run()).rejects.toThrow(/1 vectors for 3 inputs/);
    const missing = checkNamed(
      checks(() => mock({ embeddings: false })),
      embed.name,
    );
    await expect(missing.run()).rejects.toThrow(/no doEmbed/);
    const sick = broken({}, { health: { status: 'sick' as 'up', checkedAt: 1 } });
    const health = checkNamed(
      checks(sick),
      'reports health that parses as HealthReport (when it has doHealth)',
    );
    await expect(health.run()).rejects.toThrow(/status/);
  });

  it('rejects a provider whose second close() fails', async () => {
    let closes = 0;
    const fragile = broken({
      close: async () => {
        closes += 1;
        if (closes > 1) throw new Error('already closed');
      },
    });
    const check = checkNamed(checks(fragile), 'can be closed twice (when it has close)');
    await expect(check.run()).rejects.toThrow(/a second close\(\) rejected: Error: already closed/);
  });

  it('leaves out checks whose option is missing', () => {
    const names = providerChecks({ createProvider: () => mock(), chatModel: 'm' }).map(
      (c) => c.name,
    );
    expect(names).not.toContain('embeds one vector per input, all of one length');
    expect(names.some((name) => name.includes('slow request'))).toBe(false);
    expect(names.some((name) => name.includes('failing'))).toBe(false);
  });
});
