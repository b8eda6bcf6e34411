import { type LoomError, ProviderCallError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../src/mock-provider/create-mock-provider.js';
import { mockError, mockHang, mockReply, mockToolCall } from '../src/mock-provider/mock-steps.js';
import { ask, context, wait } from './helpers.js';

describe('createMockProvider', () => {
  it('is a v1 provider with defaults', async () => {
    const provider = createMockProvider();
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('mock');
    expect(provider.type).toBe('mock');
    const models = await provider.doListModels({ signal: new AbortController().signal });
    expect(models.map((model) => model.id)).toEqual(['mock-model']);
    expect(models[0]?.capabilities).toMatchObject({
      chat: true,
      streaming: true,
      embeddings: true,
    });
    expect(provider.calls.map((call) => call.operation)).toEqual(['models']);
  });

  it('echoes the last user message with word-count usage by default', async () => {
    const provider = createMockProvider();
    const response = await provider.doChat(
      {
        model: 'm',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'an answer' },
          { role: 'user', content: [{ type: 'text', text: 'hello there world' }] },
        ],
      },
      context(),
    );
    expect(response.message.content).toBe('hello there world');
    expect(response.model).toBe('m');
    expect(response.finishReason).toBe('stop');
    expect(response.usage).toEqual({
      inputTokens: 9,
      outputTokens: 3,
      totalTokens: 12,
      estimated: false,
    });
  });

  it('consumes the script first in, first out, then falls back', async () => {
    const provider = createMockProvider({
      script: [mockReply('one')],
      fallback: mockReply('later'),
    });
    provider.enqueue(mockReply('two', { usage: { outputTokens: 10 }, model: 'served' }));
    expect(provider.pending).toBe(2);
    expect((await provider.doChat(ask('x'), context())).message.content).toBe('one');
    const second = await provider.doChat(ask('x'), context());
    expect(second.message.content).toBe('two');
    expect(second.model).toBe('served');
    expect(second.usage).toMatchObject({ inputTokens: 1, outputTokens: 10, totalTokens: 11 });
    expect((await provider.doChat(ask('x'), context())).message.content).toBe('later');
    expect(provider.pending).toBe(0);
  });

  it('chooses fallback steps from the request with a responder', async () => {
    const provider = createMockProvider({
      fallback: (request) => ('messages' in request ? mockReply('chat answer') : undefined),
    });
    expect((await provider.doChat(ask('x'), context())).message.content).toBe('chat answer');
  });

  it('answers with tool calls', async () => {
    const provider = createMockProvider({ script: [mockToolCall('lookup', { q: 'loom' })] });
    const response = await provider.doChat(ask('find it'), context());
    expect(response.message).toEqual({
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 'call_lookup', name: 'lookup', arguments: '{"q":"loom"}' }],
    });
    expect(response.finishReason).toBe('tool_calls');
  });

  it('throws scripted errors, fresh from factories', async () => {
    const make = () =>
      new ProviderCallError({ provider: 'mock', message: 'boom', upstreamStatus: 503 });
    const provider = createMockProvider({ script: [mockError(make), mockError(make)] });
    const first = await provider.doChat(ask('x'), context()).catch((error: unknown) => error);
    const second = await provider.doChat(ask('x'), context()).catch((error: unknown) => error);
    expect(ProviderCallError.isInstance(first)).toBe(true);
    expect((first as LoomError).isRetryable).toBe(true);
    expect(first).not.toBe(second);
    expect(provider.calls.every((call) => call.settled && !call.aborted)).toBe(true);
  });

  it('rejects at once with the reason when the signal is already aborted', async () => {
    const provider = createMockProvider({ script: [mockReply('kept')] });
    const controller = new AbortController();
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(provider.doChat(ask('x'), context(controller.signal))).rejects.toBe(reason);
    expect(provider.calls[0]).toMatchObject({ operation: 'chat', aborted: true, settled: true });
    expect(provider.pending).toBe(1);
  });

  it('cuts a delayed reply short on abort and records it', async () => {
    const provider = createMockProvider({ script: [mockReply('late', { delayMs: 10_000 })] });
    const controller = new AbortController();
    const pending = provider.doChat(ask('x'), context(controller.signal));
    await wait(20);
    expect(provider.calls[0]).toMatchObject({ aborted: false, settled: false });
    const started = Date.now();
    controller.abort(new Error('timeout'));
    await expect(pending).rejects.toThrow('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(provider.calls[0]).toMatchObject({ aborted: true, settled: true });
  });

  it('hangs until aborted and records aborted=true', async () => {
    const provider = createMockProvider({ script: [mockHang(), mockHang()] });
    const controller = new AbortController();
    const chat = provider.doChat(ask('x'), context(controller.signal));
    const stream = provider.doStream(ask('x'), context(controller.signal));
    let settled = false;
    void Promise.allSettled([chat, stream]).then(() => {
      settled = true;
    });
    await wait(50);
    expect(settled).toBe(false);
    controller.abort(new Error('caller left'));
    await expect(chat).rejects.toThrow('caller left');
    await expect(stream).rejects.toThrow('caller left');
    expect(provider.calls.map((call) => [call.operation, call.aborted, call.settled])).toEqual([
      ['chat', true, true],
      ['stream', true, true],
    ]);
  });

  it('embeds deterministically with unit-length vectors', async () => {
    const provider = createMockProvider();
    const request = { model: 'mock-model', input: ['alpha beta', 'gamma', 'alpha beta'] };
    const first = await provider.doEmbed!(request, context());
    const second = await provider.doEmbed!(request, context());
    expect(first.embeddings).toHaveLength(3);
    expect(first.embeddings).toEqual(second.embeddings);
    expect(first.embeddings[0]).toEqual(first.embeddings[2]);
    expect(first.embeddings[0]).not.toEqual(first.embeddings[1]);
    for (const vector of first.embeddings) {
      expect(vector).toHaveLength(8);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    }
    expect(first.usage).toEqual({
      inputTokens: 5,
      outputTokens: 0,
      totalTokens: 5,
      estimated: false,
    });
    const sized = await provider.doEmbed!({ ...request, dimensions: 3 }, context());
    expect(sized.embeddings[0]).toHaveLength(3);
  });

  it('has no doEmbed when embeddings are off', () => {
    const provider = createMockProvider({ embeddings: false });
    expect(provider.doEmbed).toBeUndefined();
    expect('doEmbed' in provider).toBe(false);
  });

  it('reports configured health, also from a function, and can change it', async () => {
    const signal = new AbortController().signal;
    const provider = createMockProvider({ health: { status: 'degraded', checkedAt: 1 } });
    expect(await provider.doHealth({ signal })).toEqual({ status: 'degraded', checkedAt: 1 });
    provider.setHealth(async () => ({ status: 'down', checkedAt: 2, message: 'off' }));
    expect((await provider.doHealth({ signal })).status).toBe('down');
    expect((await createMockProvider().doHealth({ signal })).status).toBe('up');
  });

  it('counts closes and resets', async () => {
    const provider = createMockProvider({ server: { address: '127.0.0.1', port: 1 } });
    expect(provider.server).toEqual({ address: '127.0.0.1', port: 1 });
    await provider.doChat(ask('x'), context());
    provider.enqueue(mockReply('left over'));
    await provider.close();
    await provider.close();
    expect(provider.closeCount).toBe(2);
    expect(provider.closed).toBe(true);
    provider.reset();
    expect(provider.calls).toHaveLength(0);
    expect(provider.pending).toBe(0);
    expect(provider.closed).toBe(false);
  });
});
