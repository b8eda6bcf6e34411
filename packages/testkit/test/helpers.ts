import type { CallContext, ChatRequest, ChatStreamPart } from '@loom/core';

/** A call context with a fresh, or the given, signal. */
export function context(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, requestId: 'test', attempt: 1 };
}

/** A one-message chat request. */
export function ask(content: string, model = 'mock-model'): ChatRequest {
  return { model, messages: [{ role: 'user', content }] };
}

/** Reads a stream to the end. */
export async function drain(stream: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** Waits `ms` milliseconds. */
export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The check with exactly this name; fails the test when the suite has none. */
export function checkNamed<T extends { name: string }>(checks: readonly T[], name: string): T {
  const check = checks.find((candidate) => candidate.name === name);
  if (!check)
    throw new Error(`no check named '${name}' in: ${checks.map((c) => c.name).join(' | ')}`);
  return check;
}
