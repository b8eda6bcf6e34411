import { type ChatStreamPart, chatStreamPartSchema } from '@loom/core';
import {
  attempt,
  type ConformanceCheck,
  expectConsistentUsage,
  expectThat,
  parseWith,
  resolveWithin,
} from './check.js';
import {
  callContext,
  callTimeout,
  PROMPT_MS,
  type ProviderConformanceOptions,
  readStream,
  sampleRequest,
  withProvider,
} from './provider-harness.js';

/** The stream rules of `ChatStreamPart`: valid parts, content, one finish and it last. */
function expectWellFormed(parts: readonly ChatStreamPart[]): void {
  parts.forEach((part, index) => {
    parseWith(chatStreamPartSchema, part, `stream part #${index}`);
  });
  const finishes = parts.filter((part) => part.type === 'finish').length;
  expectThat(
    finishes === 1,
    `the stream yielded ${finishes} finish parts; it must yield exactly one (a stream without one was cut).`,
  );
  expectThat(parts.at(-1)?.type === 'finish', 'the finish part must be the last part.');
  expectThat(
    parts.some((part) => part.type === 'text-delta' || part.type === 'tool-call-delta'),
    'the stream yielded no text-delta or tool-call-delta part.',
  );
  parts.forEach((part, index) => {
    if (part.type === 'usage') expectConsistentUsage(part.usage, `usage part #${index}`);
    if (part.type === 'finish' && part.usage) expectConsistentUsage(part.usage, 'finish usage');
  });
}

/** Stream shape and release on early exit. */
export function streamChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  const timeout = callTimeout(options);
  return [
    {
      name: 'streams valid parts ending in exactly one finish part',
      run: () =>
        withProvider(options, async (provider) => {
          const signal = AbortSignal.timeout(timeout);
          const parts = await resolveWithin(
            readStream(provider, sampleRequest(options), signal),
            timeout,
            'doStream() and reading its stream to the end',
          );
          expectWellFormed(parts);
        }),
    },
    {
      name: 'releases the stream when the consumer stops after the first part',
      run: () =>
        withProvider(options, async (provider) => {
          const controller = new AbortController();
          try {
            const context = callContext(controller.signal);
            const { stream } = await resolveWithin(
              attempt(() => provider.doStream(sampleRequest(options), context)),
              timeout,
              'doStream()',
            );
            const iterator = stream[Symbol.asyncIterator]();
            const first = await resolveWithin(iterator.next(), timeout, 'the first stream part');
            expectThat(!first.done, 'the stream ended before its first part.');
            expectThat(
              typeof iterator.return === 'function',
              'the stream iterator has no return(), so a consumer that stops reading cannot release the upstream connection. Use an async generator or implement return().',
            );
            await resolveWithin(
              attempt(() => iterator.return!()),
              PROMPT_MS,
              'iterator.return() after the first part (breaking out of for await)',
            );
          } finally {
            controller.abort(new Error('conformance check finished'));
          }
        }),
    },
  ];
}
