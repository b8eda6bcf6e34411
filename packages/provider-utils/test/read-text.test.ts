import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readText } from '../src/http/read-text.js';

describe('readText', () => {
  it('joins chunks, keeping a character split across them whole', async () => {
    const bytes = Buffer.from('{"answer":"héllo ✓"}', 'utf8');
    // Split inside the three bytes of ✓.
    const cut = bytes.indexOf(0xe2) + 1;
    const body = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)], {
      objectMode: false,
    });
    await expect(readText(body)).resolves.toBe('{"answer":"héllo ✓"}');
  });

  it('reads an empty body as an empty string', async () => {
    await expect(readText(Readable.from([], { objectMode: false }))).resolves.toBe('');
  });

  it('rejects with the body error (an abort reason, a socket failure)', async () => {
    const body = new Readable({ read() {} });
    const reading = readText(body);
    body.push('partial');
    const reason = new Error('aborted by caller');
    body.destroy(reason);
    await expect(reading).rejects.toBe(reason);
  });

  it('rejects when the body closes before its end without an error', async () => {
    const body = new Readable({ read() {} });
    const reading = readText(body);
    body.push('partial');
    body.destroy();
    await expect(reading).rejects.toThrow(/closed before its end/);
  });
});
