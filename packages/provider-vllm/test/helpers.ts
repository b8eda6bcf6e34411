import type { CallContext, ChatRequest, ChatStreamPart, ProviderV1 } from '@loom/core';

export const CHAT_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const EMBEDDING_MODEL = 'BAAI/bge-small-en';

/** A call context with a generous deadline. */
export function callContext(signal: AbortSignal = AbortSignal.timeout(10_000)): CallContext {
  return { signal, requestId: 'test-request', attempt: 1 };
}

/** A one-message chat request. */
export function ask(text: string, model = CHAT_MODEL): ChatRequest {
  return { model, messages: [{ role: 'user', content: text }] };
}

/** Reads a whole stream. */
export async function collect(provider: ProviderV1, request: ChatRequest) {
  const { stream } = await provider.doStream(request, callContext());
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
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
