import type { CallContext, ChatRequest, EmbedRequest } from '@loom/core';

/** What a mock provider was asked to do. */
export type MockOperation = 'chat' | 'stream' | 'embed' | 'health' | 'models';

/** One recorded call to a mock provider. */
export interface MockCall {
  /** Which method was called. */
  operation: MockOperation;
  /** The request, for chat, stream and embed. */
  request?: ChatRequest | EmbedRequest;
  /** The context the kernel passed. */
  context?: CallContext | { signal: AbortSignal };
  /** True when the call's signal fired before the call settled (or was fired at call time). */
  aborted: boolean;
  /** True once the call resolved or rejected; for streams, once the stream ended or was released. */
  settled: boolean;
}

/** A recorded call plus the function that marks it settled. */
export interface TrackedCall {
  call: MockCall;
  settle(): void;
}

/** Records a call in `calls` and watches its signal until it settles. */
export function trackCall(
  calls: MockCall[],
  operation: MockOperation,
  context: CallContext | { signal: AbortSignal },
  request?: ChatRequest | EmbedRequest,
): TrackedCall {
  const signal = context.signal;
  const call: MockCall = {
    operation,
    ...(request ? { request } : {}),
    context,
    aborted: signal.aborted,
    settled: false,
  };
  calls.push(call);
  // Registered before any wait, so `aborted` is already true when the wait rejects.
  const onAbort = () => {
    if (!call.settled) call.aborted = true;
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    call,
    settle() {
      if (call.settled) return;
      call.settled = true;
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Runs `work` as the body of a tracked call, settling it whichever way `work` ends. */
export async function settleAfter<T>(tracked: TrackedCall, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    tracked.settle();
  }
}
