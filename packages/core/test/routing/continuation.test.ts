import { describe, expect, it } from 'vitest';
import { type ChatStreamPart, ConnectionError, createKernel } from '../../src/index.js';
import { fakeProvider, streamOf, textStream } from '../fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'count to five' }] };

async function* cutAfter(parts: ChatStreamPart[]) {
  yield* parts;
  throw new ConnectionError({ provider: 'a' });
}

const setup = (first: () => AsyncIterable<ChatStreamPart>, streamContinuation = true) => {
  const a = fakeProvider('a', { stream: [first] });
  const b = fakeProvider('b', { stream: [() => streamOf(textStream(['four ', 'five']))] });
  const kernel = createKernel({
    providers: [a, b],
    models: [{ name: 'chat', targets: ['a/m', 'b/m'] }],
    routing: { streamContinuation },
  });
  return { kernel, a, b };
};

async function read(stream: AsyncIterable<ChatStreamPart>) {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('stream continuation (opt-in)', () => {
  it('continues a stream cut mid-way on another deployment, with the text so far as prefix', async () => {
    const { kernel, b } = setup(() => cutAfter(textStream(['one ', 'two ', 'three ']).slice(0, 4)));
    const outcomes: string[] = [];
    kernel.events.on('request:end', (event) => outcomes.push(event.outcome));
    const parts = await read(await kernel.stream(ask));
    const text = parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
    expect(text).toBe('one two three four five');
    expect(parts.filter((p) => p.type === 'response-metadata')).toHaveLength(1);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(b.calls[0]?.request).toMatchObject({
      messages: [ask.messages[0], { role: 'assistant', content: 'one two three ' }],
    });
    expect(outcomes).toEqual(['success']);
  });

  it('never continues while a tool call is in flight', async () => {
    const toolCall: ChatStreamPart[] = [
      { type: 'response-metadata', id: 'x', model: 'm' },
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'weather', argumentsDelta: '{"ci' },
    ];
    const { kernel, b } = setup(() => cutAfter(toolCall));
    await expect(read(await kernel.stream(ask))).rejects.toMatchObject({
      code: 'connection_failed',
    });
    expect(b.calls).toHaveLength(0);
  });

  it('is off by default: a cut after the first chunk is thrown to the consumer', async () => {
    const { kernel, b } = setup(() => cutAfter(textStream(['one ']).slice(0, 2)), false);
    await expect(read(await kernel.stream(ask))).rejects.toMatchObject({
      code: 'connection_failed',
    });
    expect(b.calls).toHaveLength(0);
  });
});
