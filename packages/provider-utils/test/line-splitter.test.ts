import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/stream/line-splitter.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LineSplitter', () => {
  it('returns whole lines and keeps a partial one for the next chunk', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(bytes('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(splitter.push(bytes(':2}\n'))).toEqual(['{"b":2}']);
    expect(splitter.end()).toEqual([]);
  });

  it('splits the same stream identically at every chunk boundary', () => {
    const text = '{"message":{"content":"héllo 🌍"},"done":false}\r\n\n{"done":true}\n';
    const all = bytes(text);
    for (let cut = 0; cut <= all.length; cut += 1) {
      const splitter = new LineSplitter();
      const lines = [
        ...splitter.push(all.slice(0, cut)),
        ...splitter.push(all.slice(cut)),
        ...splitter.end(),
      ];
      expect(lines).toEqual(['{"message":{"content":"héllo 🌍"},"done":false}', '{"done":true}']);
    }
  });

  it('handles one byte at a time, including multi-byte characters', () => {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    for (const byte of bytes('日本\n語\n')) lines.push(...splitter.push(Uint8Array.of(byte)));
    expect(lines).toEqual(['日本', '語']);
  });

  it('returns a last line without a newline at the end', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(bytes('{"x":1}\n{"done":true}'))).toEqual(['{"x":1}']);
    expect(splitter.end()).toEqual(['{"done":true}']);
  });

  it('skips blank lines', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(bytes('\n  \n\r\n{"a":1}\n'))).toEqual(['{"a":1}']);
  });

  it('refuses a line longer than its limit', () => {
    const splitter = new LineSplitter(10);
    expect(() => splitter.push(bytes('x'.repeat(11)))).toThrow(/longer than 10/);
  });
});
