import { describe, expect, it } from 'vitest';
import { readSseStream, SseParser, StreamBrokenError } from '../src/index.js';

function parseAll(pieces: string[]): string[] {
  const events: string[] = [];
  const parser = new SseParser((data) => events.push(data));
  for (const piece of pieces) parser.feed(piece);
  parser.end();
  return events;
}

describe('SseParser', () => {
  it('reads events split at any byte, with \\n, \\r\\n and \\r line ends', () => {
    const text = 'data: {"a":1}\n\ndata: {"b":2}\r\n\r\ndata: {"c":3}\r\rdata: [DONE]\n\n';
    const whole = parseAll([text]);
    expect(whole).toEqual(['{"a":1}', '{"b":2}', '{"c":3}', '[DONE]']);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(parseAll(text.split(''))).toEqual(whole);
  });

  it('joins multi-line data, skips comments and other fields, keeps a last event without a blank line', () => {
    const events = parseAll([
      ': keep-alive\n',
      'event: x\nid: 3\ndata:one\ndata: two\n\n',
      'data: last',
    ]);
    expect(events).toEqual(['one\ntwo', 'last']);
  });
});

describe('readSseStream', () => {
  async function* chunks(...texts: string[]) {
    for (const text of texts) yield Buffer.from(text);
  }
  const content = (text: string) =>
    `data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`;

  it('times content chunks and reads usage', async () => {
    const usage = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } })}\n\n`;
    const report = await readSseStream(
      chunks(
        'data: {"choices":[{"delta":{"role":"assistant"}}]}\n\n',
        content('a'),
        content('b'),
        content('c'),
        usage,
        'data: [DONE]\n\n',
      ),
    );
    expect(report.firstTokenAt).toBeTypeOf('number');
    expect(report.tokenGapsMs).toHaveLength(2);
    expect(report).toMatchObject({ inputTokens: 7, outputTokens: 3 });
  });

  it('rejects a stream with no [DONE], an in-band error and a malformed chunk', async () => {
    await expect(readSseStream(chunks(content('a')))).rejects.toMatchObject({ kind: 'stream_cut' });
    await expect(
      readSseStream(chunks(content('a'), 'data: {"error":{"message":"boom"}}\n\n')),
    ).rejects.toMatchObject({ kind: 'stream_error' });
    const malformed = readSseStream(
      chunks(content('a'), 'data: {not json\n\n', 'data: [DONE]\n\n'),
    );
    await expect(malformed).rejects.toBeInstanceOf(StreamBrokenError);
    await expect(malformed).rejects.toMatchObject({ kind: 'malformed_chunk' });
  });
});
