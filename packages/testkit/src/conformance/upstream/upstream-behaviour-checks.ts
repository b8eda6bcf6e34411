import type { ChatStreamPart, ProviderV1, Usage } from '@loom/core';
import type { SimulatedUpstream } from '../../upstreams/simulated-upstream.js';
import {
  attempt,
  type ConformanceCheck,
  describeError,
  expectThat,
  fail,
  resolveWithin,
  waitUntil,
} from '../check.js';
import { callContext, readStream } from '../provider-harness.js';
import {
  type UpstreamConformanceOptions,
  upstreamRequest,
  withUpstream,
} from './upstream-harness.js';

type Options = UpstreamConformanceOptions;

/** What the simulator says it answered the (last) chat request with. */
function reportedAnswer(simulator: SimulatedUpstream) {
  const answer = simulator.requests.findLast((request) => request.answer)?.answer;
  if (!answer) fail('the simulator recorded no chat answer; did the provider call the chat route?');
  return answer;
}

function expectReportedUsage(usage: Usage | undefined, simulator: SimulatedUpstream, what: string) {
  const answer = reportedAnswer(simulator);
  if (!answer.usage) {
    fail(
      `${what}: the upstream reported no usage, so the provider did not ask for it (on OpenAI-style wires, send stream_options: { include_usage: true }).`,
    );
  }
  const expected = `inputTokens ${answer.usage.inputTokens}, outputTokens ${answer.usage.outputTokens}, estimated false`;
  const got = usage
    ? `inputTokens ${usage.inputTokens}, outputTokens ${usage.outputTokens}, estimated ${usage.estimated}`
    : 'no usage';
  expectThat(
    usage?.inputTokens === answer.usage.inputTokens &&
      usage.outputTokens === answer.usage.outputTokens &&
      usage.estimated === false,
    `${what}: expected the usage the upstream reported (${expected}); got ${got}.`,
  );
}

/** Text deltas first, exactly one finish last, the text and usage the upstream sent. */
function expectFaithfulStream(parts: ChatStreamPart[], simulator: SimulatedUpstream) {
  const order = parts.map((part) => part.type).join(', ');
  const finishes = parts.filter((part) => part.type === 'finish').length;
  expectThat(
    finishes === 1 && parts.at(-1)?.type === 'finish',
    `expected text deltas followed by exactly one finish part, last; got [${order}].`,
  );
  const lastText = parts.findLastIndex((part) => part.type === 'text-delta');
  const firstOther = parts.findIndex((part) => part.type === 'usage' || part.type === 'finish');
  expectThat(
    lastText < firstOther,
    `expected every text delta before usage and finish; got [${order}].`,
  );
  const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
  const answer = reportedAnswer(simulator);
  expectThat(
    text === answer.text,
    `expected the streamed text ${JSON.stringify(answer.text)}; got ${JSON.stringify(text)}.`,
  );
  let usage: Usage | undefined;
  for (const part of parts) {
    if (part.type === 'usage') usage = part.usage;
    if (part.type === 'finish' && part.usage) usage = part.usage;
  }
  expectReportedUsage(usage, simulator, 'stream usage');
}

/** Reads until the first text delta, then stops the stream with `stop`. */
async function stopMidStream(
  upstream: Options,
  provider: ProviderV1,
  simulator: SimulatedUpstream,
  how: 'abort' | 'return',
) {
  const controller = new AbortController();
  const { stream } = await resolveWithin(
    attempt(() => provider.doStream(upstreamRequest(upstream), callContext(controller.signal))),
    10_000,
    'doStream()',
  );
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await resolveWithin(iterator.next(), 10_000, 'the next stream part');
    if (next.done)
      fail('the stream ended before its first text delta, though the upstream stalled.');
    if (next.value.type === 'text-delta') break;
  }
  if (how === 'abort') {
    controller.abort(new Error('aborted by the conformance suite mid-stream'));
    iterator.next().catch(() => {});
  } else {
    await resolveWithin(
      attempt(async () => iterator.return?.()),
      2_000,
      'iterator.return()',
    );
  }
  const closed = await waitUntil(
    () => simulator.requests.some((request) => request.aborted),
    2_000,
  );
  const action = how === 'abort' ? 'aborting the signal' : 'breaking out of the stream (return())';
  expectThat(
    closed,
    `expected the upstream to see its request closed within 2 s of ${action}; it is still open, so the provider keeps generating (and paying) for nobody.`,
  );
  controller.abort();
}

const stalled = [{ fault: { type: 'stall', afterChunks: 1 } as const }];

/** Stream faithfulness, release of the upstream and listing. */
export function upstreamBehaviourChecks(upstream: Options): ConformanceCheck[] {
  return [
    {
      name: 'streams text deltas, then exactly one finish, with the text and usage the upstream sent',
      run: () =>
        withUpstream(upstream, {}, async (provider, simulator) => {
          const parts = await resolveWithin(
            readStream(provider, upstreamRequest(upstream), AbortSignal.timeout(10_000)),
            10_000,
            'doStream() and reading its stream',
          );
          expectFaithfulStream(parts, simulator);
        }),
    },
    {
      name: 'answers doChat with the text and usage the upstream sent',
      run: () =>
        withUpstream(upstream, {}, async (provider, simulator) => {
          const context = callContext(AbortSignal.timeout(10_000));
          const response = await resolveWithin(
            attempt(() => provider.doChat(upstreamRequest(upstream), context)),
            10_000,
            'doChat()',
          );
          const answer = reportedAnswer(simulator);
          expectThat(
            response.message.content === answer.text,
            `expected the message content ${JSON.stringify(answer.text)}; got ${JSON.stringify(response.message.content)}.`,
          );
          expectReportedUsage(response.usage, simulator, 'doChat() usage');
        }),
    },
    {
      name: 'closes the upstream request within 2 s when the signal aborts mid-stream',
      run: () =>
        withUpstream(upstream, { rules: stalled }, (provider, simulator) =>
          stopMidStream(upstream, provider, simulator, 'abort'),
        ),
    },
    {
      name: 'closes the upstream request within 2 s when the consumer breaks out of the stream',
      run: () =>
        withUpstream(upstream, { rules: stalled }, (provider, simulator) =>
          stopMidStream(upstream, provider, simulator, 'return'),
        ),
    },
    {
      name: 'lists the upstream model',
      run: () =>
        withUpstream(upstream, {}, async (provider) => {
          const models = await resolveWithin(
            attempt(() => provider.doListModels({ signal: AbortSignal.timeout(10_000) })),
            10_000,
            'doListModels()',
          );
          const ids = models.map((model) => model.id);
          // Ollama lists `llama3.2` as `llama3.2:latest`; either name is the same model.
          const same = (id: string) => id === upstream.model || id === `${upstream.model}:latest`;
          expectThat(
            ids.some(same),
            `expected doListModels() to include '${upstream.model}'; got ${describeError(ids)}.`,
          );
        }),
    },
  ];
}
