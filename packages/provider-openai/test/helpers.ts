import type { CallContext, ChatRequest, ChatStreamPart, ProviderV1 } from '@loom/core';

/** A call context with a generous deadline, as the kernel would pass it. */
export function callContext(signal: AbortSignal = AbortSignal.timeout(10_000)): CallContext {
  return { signal, requestId: 'test-request', attempt: 1 };
}

/** A one-message chat request. */
export function ask(text: string, model = 'gpt-4o-mini'): ChatRequest {
  return { model, messages: [{ role: 'user', content: text }] };
}

/** Reads a whole stream. */
export async function collect(
  provider: ProviderV1,
  request: ChatRequest,
  context: CallContext = callContext(),
): Promise<ChatStreamPart[]> {
  const { stream } = await provider.doStream(request, context);
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The text of a stream's text deltas. */
export function textOf(parts: readonly ChatStreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
}

/** What a promise rejected with; fails the test when it resolves. */
export async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the call resolved');
}
