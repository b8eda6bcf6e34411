// A fast upstream's whole answer often arrives in one read. The reader hands the first token on
// before it parses the rest, so time to first token does not include every other event's JSON.
import type { ChatStreamPart } from '@loom/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSseText } from './fixture-stream.js';

const event = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-f',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;

const words = ['one', ' two', ' three', ' four', ' five', ' six'];
const body = () =>
  event({ role: 'assistant', content: '' }) +
  words.map((word) => event({ content: word })).join('') +
  event({}, 'stop') +
  'data: [DONE]\n\n';

afterEach(() => vi.restoreAllMocks());

describe('first token', () => {
  it('is handed on before the rest of a read is parsed', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const chunksParsed = () =>
      parse.mock.calls.filter(([text]) => String(text).includes('chat.completion.chunk')).length;
    // One read holding the whole answer.
    const stream = readSseText(body(), { chunkSize: 1 << 20 });
    let first: ChatStreamPart | undefined;
    let parsedByThen = 0;
    const parts: ChatStreamPart[] = [];
    for await (const part of stream) {
      if (!first && part.type === 'text-delta' && part.delta) {
        first = part;
        parsedByThen = chunksParsed();
      }
      parts.push(part);
    }
    expect(first).toMatchObject({ type: 'text-delta', delta: 'one' });
    // The role event and the first word: not the four words, finish and [DONE] behind them.
    expect(parsedByThen).toBe(2);
    expect(chunksParsed()).toBe(words.length + 2);
    const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    expect(text).toBe(words.join(''));
    expect(parts.at(-1)?.type).toBe('finish');
  });
});
