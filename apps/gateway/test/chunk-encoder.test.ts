import { describe, expect, it } from 'vitest';
import { ChunkEncoder } from '../src/wire/chunk-encoder.js';

/** The data of each SSE frame in `text`, parsed. */
function frames(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
    .map((frame) => JSON.parse(frame.slice('data: '.length)));
}

describe('ChunkEncoder', () => {
  // Text deltas after the first are built by concatenating a cached frame around the content;
  // they must stay the exact bytes the object form gives, whatever the model name or content.
  it.each([
    { model: 'gpt-4o-mini', includeUsage: false },
    { model: 'a "quoted" \u0000 model \\ with \n escapes', includeUsage: true },
  ])('writes text deltas as the full chunk object would ($model)', ({ model, includeUsage }) => {
    const meta = { id: 'chatcmpl-1', model, created: 1_700_000_000, includeUsage };
    const encoder = new ChunkEncoder(meta);
    const contents = ['Hel', 'lo "there"', '\u0000', '', 'line\nbreak \u2028 ✓ 🎉', '\\'];
    const written = contents
      .map((content) => encoder.encode({ type: 'text-delta', delta: content }))
      .join('');
    const expected = contents.map((content, index) => {
      const delta = index === 0 ? { role: 'assistant', content } : { content };
      const chunk = {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
        ...(includeUsage ? { usage: null } : {}),
      };
      return `data: ${JSON.stringify(chunk)}\n\n`;
    });
    expect(written).toBe(expected.join(''));
    expect(frames(written)).toHaveLength(contents.length);
  });

  it('ends with the finish chunk, the usage chunk when asked, and [DONE]', () => {
    const encoder = new ChunkEncoder({ id: 'c', model: 'm', created: 1, includeUsage: true });
    encoder.encode({ type: 'text-delta', delta: 'hi' });
    const finish = encoder.encode({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4, estimated: false },
    });
    const end = encoder.end();
    expect(frames(finish)).toEqual([
      expect.objectContaining({ choices: [expect.objectContaining({ finish_reason: 'stop' })] }),
    ]);
    expect(frames(end)).toEqual([
      expect.objectContaining({ choices: [], usage: expect.objectContaining({ total_tokens: 4 }) }),
    ]);
    expect(end.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
