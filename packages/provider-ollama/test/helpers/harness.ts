import type { CallContext, ChatRequest, ChatStreamPart, ProviderV1 } from '@loom/core';
import { type OllamaServerOptions, type OllamaUpstream, startOllamaServer } from '@loom/testkit';
import { onTestFinished } from 'vitest';
import { createOllama, type OllamaProvider, type OllamaSettings } from '../../src/index.js';

/** A call context as the kernel passes it. */
export function callContext(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, requestId: 'test-request', attempt: 1 };
}

/** Starts a simulated Ollama and a provider for it; both are closed when the test ends. */
export async function setup(
  serverOptions: OllamaServerOptions = {},
  settings: OllamaSettings = {},
): Promise<{ server: OllamaUpstream; provider: OllamaProvider }> {
  const server = await startOllamaServer(serverOptions);
  const provider = createOllama({ baseURL: server.baseURL, ...settings });
  onTestFinished(async () => {
    await provider.close();
    await server.close();
  });
  return { server, provider };
}

/** A short request the simulator echoes. */
export function chatRequest(
  text = 'Say hello to Loom',
  overrides: Partial<ChatRequest> = {},
): ChatRequest {
  return { model: 'llama3.2', messages: [{ role: 'user', content: text }], ...overrides };
}

/** Runs a stream to its end. */
export async function readAll(
  provider: ProviderV1,
  request: ChatRequest,
  signal?: AbortSignal,
): Promise<ChatStreamPart[]> {
  const { stream } = await provider.doStream(request, callContext(signal));
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The text of a stream's text deltas. */
export function textOf(parts: readonly ChatStreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
}

/** What a promise rejected with (fails when it resolves). */
export async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the call resolved');
}

/** The bodies the simulator received on `path`. */
export function bodiesOn(server: OllamaUpstream, path: string): unknown[] {
  return server.requests.filter((request) => request.path === path).map((request) => request.body);
}
