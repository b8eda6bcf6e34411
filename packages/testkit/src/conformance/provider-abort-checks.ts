import type { ChatRequest, ProviderV1 } from '@loom/core';
import {
  attempt,
  type ConformanceCheck,
  delay,
  describeError,
  fail,
  rejectWithin,
} from './check.js';
import {
  callContext,
  PROMPT_MS,
  type ProviderConformanceOptions,
  readStream,
  sampleRequest,
  withProvider,
} from './provider-harness.js';

type Operation = 'doChat' | 'doStream';

/** The call under test: a chat, or a stream read to its end (either step may honour the abort). */
function run(
  provider: ProviderV1,
  operation: Operation,
  request: ChatRequest,
  signal: AbortSignal,
) {
  if (operation === 'doChat') return attempt(() => provider.doChat(request, callContext(signal)));
  return readStream(provider, request, signal);
}

function alreadyAborted(options: ProviderConformanceOptions, operation: Operation) {
  return {
    name: `rejects ${operation} promptly when the signal is already aborted`,
    run: () =>
      withProvider(options, async (provider) => {
        const controller = new AbortController();
        controller.abort(new Error('aborted by the conformance suite before the call'));
        const pending = run(provider, operation, sampleRequest(options), controller.signal);
        await rejectWithin(pending, PROMPT_MS, `${operation}() with an already-aborted signal`);
      }),
  };
}

function abortedMidway(
  options: ProviderConformanceOptions,
  operation: Operation,
  slow: ChatRequest,
) {
  return {
    name: `rejects ${operation} within 1 s when aborted 100 ms into a slow request`,
    run: () =>
      withProvider(options, async (provider) => {
        const controller = new AbortController();
        let settled: string | undefined;
        const pending = run(provider, operation, slow, controller.signal);
        pending.then(
          () => (settled ??= 'resolved'),
          (error: unknown) => (settled ??= `rejected (${describeError(error)})`),
        );
        await delay(100);
        if (settled) {
          fail(
            `${operation}(slowRequest) ${settled} within 100 ms, before any abort; slowRequest must keep the upstream busy for more than 2 s.`,
          );
        }
        controller.abort(new Error('aborted by the conformance suite mid-request'));
        await rejectWithin(
          pending,
          PROMPT_MS,
          `${operation}(slowRequest) after its signal aborted`,
        );
      }),
  };
}

/** Abort handling: before the call and, with a slow request, during it. */
export function abortChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  const checks: ConformanceCheck[] = [
    alreadyAborted(options, 'doChat'),
    alreadyAborted(options, 'doStream'),
  ];
  const slow = options.slowRequest;
  if (slow)
    checks.push(abortedMidway(options, 'doChat', slow), abortedMidway(options, 'doStream', slow));
  return checks;
}
