import { type ChatRequest, LoomError, type ProviderV1 } from '@loom/core';
import {
  attempt,
  type ConformanceCheck,
  describeError,
  expectThat,
  rejectWithin,
  resolveWithin,
} from './check.js';
import {
  callContext,
  callTimeout,
  type ProviderConformanceOptions,
  readStream,
  withProvider,
} from './provider-harness.js';

function expectLoomError(reason: unknown, what: string): void {
  expectThat(
    LoomError.isInstance(reason),
    `${what} rejected with ${describeError(reason)}, which is not a LoomError. Throw a LoomError subclass (ProviderCallError, InvalidRequestError, ...) so the router can read isRetryable.`,
  );
  expectThat(
    typeof reason.code === 'string' && reason.code !== '',
    `${what}: the LoomError needs a non-empty string code.`,
  );
  expectThat(
    typeof reason.isRetryable === 'boolean',
    `${what}: the LoomError needs a boolean isRetryable.`,
  );
}

function failing(
  options: ProviderConformanceOptions,
  operation: 'doChat' | 'doStream',
  request: ChatRequest,
) {
  const timeout = callTimeout(options);
  return {
    name: `rejects a failing ${operation} with a coded LoomError`,
    run: () =>
      withProvider(options, async (provider: ProviderV1) => {
        const signal = AbortSignal.timeout(timeout);
        const pending =
          operation === 'doChat'
            ? attempt(() => provider.doChat(request, callContext(signal)))
            : readStream(provider, request, signal);
        const reason = await rejectWithin(pending, timeout, `${operation}(failingRequest)`);
        expectLoomError(reason, `${operation}(failingRequest)`);
      }),
  };
}

/** Error shapes of a refused request, and a double close. */
export function failureChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  const timeout = callTimeout(options);
  const checks: ConformanceCheck[] = [];
  const request = options.failingRequest;
  if (request)
    checks.push(failing(options, 'doChat', request), failing(options, 'doStream', request));
  checks.push({
    name: 'can be closed twice (when it has close)',
    run: () =>
      withProvider(
        options,
        async (provider) => {
          if (!provider.close) return;
          await resolveWithin(
            attempt(() => provider.close!()),
            timeout,
            'the first close()',
          );
          await resolveWithin(
            attempt(() => provider.close!()),
            timeout,
            'a second close()',
          );
        },
        { close: false },
      ),
  });
  return checks;
}
