import { MalformedResponseError, ProviderCallError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../src/mock-provider/create-mock-provider.js';
import { mockReply, mockStream, mockToolCall } from '../src/mock-provider/mock-steps.js';
import { ask, context, drain, wait } from './helpers.js';

const cut = () =>
  new ProviderCallError({ provider: 'mock', message: 'connection reset mid-stream' });

describe('mock provider streams', () => {
  it('streams a reply word by word, then usage and finish', async () => {
    const provider = createMockProvider({ script: [mockReply('Hello big world')] });
    const { stream } = await provider.doStream(ask('hi there'), context());
    const parts = await drain(stream);
    const usage = { inputTokens: 2, outputTokens: 3, totalTokens: 5, estimated: false };
    expect(parts).toEqual([
      { type: 'text-delta', delta: 'Hello ' },
      { type: 'text-delta', delta: 'big ' },
      { type: 'text-delta', delta: 'world' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop', usage },
    ]);
    expect(provider.calls[0]).toMatchObject({ operation: 'stream', settled: true, aborted: false });
  });

  it('streams tool calls as deltas', async () => {
    const provider = createMockProvider({ script: [mockToolCall('search', '{"q":"x"}')] });
    const parts = await drain((await provider.doStream(ask('x'), context())).stream);
    expect(parts[0]).toEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'call_search',
      name: 'search',
      argumentsDelta: '{"q":"x"}',
    });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('plays explicit chunks and parts, appending usage and finish', async () => {
    const provider = createMockProvider({
      script: [
        mockStream(['a ', { type: 'reasoning-delta', delta: 'hmm' }, 'b'], {
          finishReason: 'length',
        }),
      ],
    });
    const parts = await drain((await provider.doStream(ask('x'), context())).stream);
    expect(parts.map((part) => part.type)).toEqual([
      'text-delta',
      'reasoning-delta',
      'text-delta',
      'usage',
      'finish',
    ]);
    expect(parts.at(-1)).toMatchObject({ finishReason: 'length', usage: { outputTokens: 2 } });
  });

  it('assembles a stream step into one chat response', async () => {
    const provider = createMockProvider({
      script: [
        mockStream([
          { type: 'response-metadata', id: 'r1', model: 'upstream-model' },
          'Hi ',
          'you',
          { type: 'tool-call-delta', index: 0, id: 'c1', name: 'f', argumentsDelta: '{"a"' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
        ]),
      ],
    });
    const response = await provider.doChat(ask('x'), context());
    expect(response).toMatchObject({
      id: 'r1',
      model: 'upstream-model',
      message: { content: 'Hi you', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }] },
      finishReason: 'stop',
    });
  });

  it('fails a chat assembled from a stream without finish as malformed', async () => {
    const provider = createMockProvider({ script: [mockStream(['a'], { omitFinish: true })] });
    const error = await provider.doChat(ask('x'), context()).catch((e: unknown) => e);
    expect(MalformedResponseError.isInstance(error)).toBe(true);
  });

  it('ends without a finish part when told to', async () => {
    const provider = createMockProvider({ script: [mockStream(['a', 'b'], { omitFinish: true })] });
    const parts = await drain((await provider.doStream(ask('x'), context())).stream);
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'text-delta']);
  });

  it('throws mid-stream after failAfter chunks', async () => {
    const provider = createMockProvider({
      script: [mockStream(['a', 'b', 'c'], { failAfter: { chunks: 2, error: cut } })],
    });
    const { stream } = await provider.doStream(ask('x'), context());
    const seen: string[] = [];
    const error = await (async () => {
      for await (const part of stream) if (part.type === 'text-delta') seen.push(part.delta);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['a', 'b']);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(provider.calls[0]?.settled).toBe(true);
  });

  it('stalls after stallAfter chunks until aborted', async () => {
    const provider = createMockProvider({ script: [mockStream(['a', 'b'], { stallAfter: 1 })] });
    const controller = new AbortController();
    const { stream } = await provider.doStream(ask('x'), context(controller.signal));
    const iterator = stream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({
      done: false,
      value: { type: 'text-delta', delta: 'a' },
    });
    const next = iterator.next();
    let settled = false;
    next.then(
      () => (settled = true),
      () => (settled = true),
    );
    await wait(50);
    expect(settled).toBe(false);
    controller.abort(new Error('idle timeout'));
    await expect(next).rejects.toThrow('idle timeout');
    expect(provider.calls[0]).toMatchObject({ aborted: true, settled: true });
  });

  it('releases a stalled stream on return() without an abort', async () => {
    const provider = createMockProvider({ script: [mockStream(['a'], { stallAfter: 1 })] });
    const { stream } = await provider.doStream(ask('x'), context());
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    await wait(20);
    await expect(iterator.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(provider.calls[0]).toMatchObject({ aborted: false, settled: true });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('honours abort between delayed chunks', async () => {
    const provider = createMockProvider({
      script: [mockStream(['a', 'b', 'c'], { firstChunkDelayMs: 10, chunkDelayMs: 10_000 })],
    });
    const controller = new AbortController();
    const { stream } = await provider.doStream(ask('x'), context(controller.signal));
    const seen: string[] = [];
    const reading = (async () => {
      for await (const part of stream) if (part.type === 'text-delta') seen.push(part.delta);
    })();
    await wait(100);
    const started = Date.now();
    controller.abort(new Error('stop'));
    await expect(reading).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(seen).toEqual(['a']);
  });

  it('delays before doStream resolves with delayMs and rejects scripted errors up front', async () => {
    const provider = createMockProvider({
      script: [mockStream(['a'], { delayMs: 30 }), { type: 'error', error: cut }],
    });
    const started = Date.now();
    await provider.doStream(ask('x'), context());
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await expect(provider.doStream(ask('x'), context())).rejects.toThrow('connection reset');
  });
});
