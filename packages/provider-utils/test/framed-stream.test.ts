import { Readable } from 'node:stream';
import type { ChatStreamPart } from '@loom/core';
import { describe, expect, it } from 'vitest';
import {
  type NdjsonMapper,
  readNdjsonStream,
  type TransportScope,
  watchStream,
} from '../src/index.js';

const transport: TransportScope = {
  provider: 'p',
  url: 'http://127.0.0.1:1/x',
  secrets: ['sk-secret'],
  signal: new AbortController().signal,
  headersPhase: 'first-chunk',
  headersTimeoutMs: 5_000,
  bodyTimeoutMs: 5_000,
};

// One text delta per line; `{"done":true}` finishes the stream.
const mapper: NdjsonMapper = {
  accept(line, out: ChatStreamPart[]) {
    const { text, done } = line as { text?: string; done?: boolean };
    if (text) out.push({ type: 'text-delta', delta: text });
    if (done) out.push({ type: 'finish', finishReason: 'stop' });
    return done === true;
  },
};

function open(lines: string[], end = false) {
  const body = new Readable({ read() {} });
  for (const line of lines) body.push(line);
  if (end) body.push(null);
  const watchdog = watchStream(body, { firstChunkMs: 5_000, idleMs: 5_000, provider: 'p' });
  return { body, stream: readNdjsonStream({ body, watchdog, transport }, mapper, '"done"') };
}

async function collect(stream: AsyncIterable<ChatStreamPart>) {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('readNdjsonStream', () => {
  it('maps lines split anywhere, a last line without its newline included', async () => {
    const { stream } = open(['{"te', 'xt":"a"}\n{"text":"é', '"}\n\n{"done":true}'], true);
    expect(await collect(stream)).toEqual([
      { type: 'text-delta', delta: 'a' },
      { type: 'text-delta', delta: 'é' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('throws MalformedResponseError for a line that is not JSON, with secrets redacted', async () => {
    const { stream } = open(['{"text":"a"}\n', '{"key":"sk-secret"\n'], true);
    await expect(collect(stream)).rejects.toMatchObject({
      name: 'MalformedResponseError',
      message: expect.not.stringContaining('sk-secret'),
    });
  });

  it('throws when the body ends before the end marker, naming it', async () => {
    const { stream } = open(['{"text":"a"}\n'], true);
    await expect(collect(stream)).rejects.toThrow(/ended without its "done" marker/);
  });

  it('destroys a body nobody started reading when return() comes first', async () => {
    const { body, stream } = open(['{"text":"a"}\n']);
    await stream.return();
    expect(body.destroyed).toBe(true);
  });

  it('destroys the body when the consumer stops mid-answer, drains it after the end', async () => {
    const { body, stream } = open(['{"text":"a"}\n', '{"text":"b"}\n']);
    expect(await stream.next()).toMatchObject({ value: { delta: 'a' } });
    await stream.return();
    expect(body.destroyed).toBe(true);
    const done = open(['{"text":"a"}\n', '{"done":true}\n']);
    for (;;) {
      const next = await done.stream.next();
      if (next.done || next.value.type === 'finish') break;
    }
    await done.stream.return();
    expect(done.body.destroyed).toBe(false);
    done.body.push(null);
  });
});

describe('readNdjsonStream, a broken line after good ones in one read', () => {
  it('hands on the good lines first, then throws', async () => {
    const { stream } = open(['{"text":"a"}\n{"text":"b"}\n{"text":\n'], true);
    const first = await stream.next();
    expect(first).toMatchObject({ value: { delta: 'a' } });
    expect(await stream.next()).toMatchObject({ value: { delta: 'b' } });
    await expect(stream.next()).rejects.toMatchObject({ name: 'MalformedResponseError' });
  });
});
