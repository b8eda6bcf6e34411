import type { ChatStreamPart, ProviderV1 } from '@loom/core';
import type { Fault } from '../../upstreams/simulated-upstream.js';
import {
  attempt,
  type ConformanceCheck,
  fail,
  rejectWithin,
  resolveWithin,
  settleWithin,
} from '../check.js';
import { callContext, readStream } from '../provider-harness.js';
import { type ExpectedError, expectMappedError } from './expect-mapped-error.js';
import {
  SHORT_TIMEOUT_MS,
  type UpstreamConformanceOptions,
  type UpstreamSetup,
  upstreamRequest,
  withUpstream,
} from './upstream-harness.js';

/** Slack on top of a short timeout before a check calls the provider stuck (a shared CI box). */
const SLACK_MS = 3_000;

type Options = UpstreamConformanceOptions;

const connection: ExpectedError = {
  kind: 'ConnectionError',
  code: 'connection_failed',
  isRetryable: true,
};

/** A non-JSON body where the wire expects JSON, with a JSON content type. */
function unparseableBody(upstream: Options): Fault {
  const body = upstream.errorBodies?.unparseable ?? '{"';
  return { type: 'status', status: 200, body, headers: { 'content-type': 'application/json' } };
}

/** A check that `operation` rejects as `expected` within `limitMs`. */
function rejects(
  upstream: Options,
  name: string,
  setup: UpstreamSetup,
  operation: 'doChat' | 'doStream',
  expected: ExpectedError,
  limitMs = 10_000,
): ConformanceCheck {
  return {
    name,
    run: () =>
      withUpstream(upstream, setup, async (provider) => {
        const request = upstreamRequest(upstream);
        const signal = AbortSignal.timeout(limitMs + SLACK_MS);
        const pending =
          operation === 'doChat'
            ? attempt(() => provider.doChat(request, callContext(signal)))
            : readStream(provider, request, signal);
        const what = `${operation}() (${name})`;
        expectMappedError(await rejectWithin(pending, limitMs, what), expected, what);
      }),
  };
}

/**
 * A check that `doStream` resolves (the upstream answered 200) and its iterator then throws as
 * `expected`, after at most the parts sent before the fault, and never ends cleanly.
 */
function breaksMidStream(
  upstream: Options,
  name: string,
  fault: Fault,
  expected: ExpectedError,
  setup: UpstreamSetup = {},
  limitMs = 10_000,
): ConformanceCheck {
  return {
    name,
    run: () =>
      withUpstream(upstream, { ...setup, rules: [{ fault }] }, async (provider: ProviderV1) => {
        const signal = AbortSignal.timeout(10_000 + SLACK_MS);
        const context = callContext(signal);
        const started = attempt(() => provider.doStream(upstreamRequest(upstream), context));
        const { stream } = await resolveWithin(started, 10_000, `doStream() (${name})`);
        const parts: ChatStreamPart[] = [];
        const reading = (async () => {
          for await (const part of stream) parts.push(part);
        })();
        const what = `reading the stream (${name})`;
        const settled = await settleWithin(reading, limitMs, what);
        if (settled.status === 'fulfilled') {
          const last = JSON.stringify(parts.at(-1));
          fail(
            `${what} ended cleanly after ${parts.length} parts (last: ${last}); it must throw: a stream without its end marker, or with an error in it, did not finish.`,
          );
        }
        expectMappedError(settled.reason, expected, what);
      }),
  };
}

/** Connection failures, timeouts and broken streams, each against a fresh simulator. */
export function transportChecks(upstream: Options): ConformanceCheck[] {
  const short = SHORT_TIMEOUT_MS;
  const timeout = (phase: 'attempt' | 'first-chunk' | 'idle'): ExpectedError => ({
    kind: 'TimeoutError',
    code: 'timeout',
    isRetryable: true,
    phase,
  });
  const retryable: ExpectedError = { kind: 'LoomError', isRetryable: true };
  return [
    rejects(
      upstream,
      'rejects doChat with ConnectionError when the connection is refused',
      { closed: true },
      'doChat',
      connection,
    ),
    rejects(
      upstream,
      'rejects doStream with ConnectionError when the connection is refused',
      { closed: true },
      'doStream',
      connection,
    ),
    rejects(
      upstream,
      'rejects doChat with ConnectionError when the upstream resets before headers',
      { rules: [{ fault: { type: 'reset' } }] },
      'doChat',
      connection,
    ),
    rejects(
      upstream,
      'rejects doStream with ConnectionError when the upstream resets before headers',
      { rules: [{ fault: { type: 'reset' } }] },
      'doStream',
      connection,
    ),
    rejects(
      upstream,
      `rejects doChat with TimeoutError (attempt) when no headers arrive within headersTimeoutMs (${short} ms)`,
      { rules: [{ fault: { type: 'hang' } }], timeouts: { headersTimeoutMs: short } },
      'doChat',
      timeout('attempt'),
      short + SLACK_MS,
    ),
    rejects(
      upstream,
      `rejects doStream with TimeoutError (first-chunk) when no headers arrive within headersTimeoutMs (${short} ms)`,
      { rules: [{ fault: { type: 'hang' } }], timeouts: { headersTimeoutMs: short } },
      'doStream',
      timeout('first-chunk'),
      short + SLACK_MS,
    ),
    breaksMidStream(
      upstream,
      `throws TimeoutError (idle) from the stream when it stalls after 1 chunk for bodyTimeoutMs (${short} ms)`,
      { type: 'stall', afterChunks: 1 },
      timeout('idle'),
      { timeouts: { bodyTimeoutMs: short } },
      short + SLACK_MS,
    ),
    breaksMidStream(
      upstream,
      'throws a retryable LoomError from the stream when the connection is cut after 2 chunks',
      { type: 'cut', afterChunks: 2 },
      retryable,
    ),
    breaksMidStream(
      upstream,
      'throws MalformedResponseError from the stream on an unparseable chunk',
      { type: 'malformed', afterChunks: 1 },
      { kind: 'MalformedResponseError', code: 'malformed_response', isRetryable: true },
    ),
    rejects(
      upstream,
      'rejects doChat with MalformedResponseError on an unparseable 200 body',
      { rules: [{ fault: unparseableBody(upstream) }] },
      'doChat',
      { kind: 'MalformedResponseError', code: 'malformed_response', isRetryable: true },
    ),
    breaksMidStream(
      upstream,
      'throws a retryable ProviderCallError from the stream on an in-band error after 1 chunk',
      { type: 'in-band-error', afterChunks: 1, message: 'The model runner stopped unexpectedly.' },
      { kind: 'ProviderCallError', code: 'provider_error', isRetryable: true },
    ),
  ];
}
