import { request } from 'node:http';
import type { ChatStreamPart, Kernel } from '@loom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/server/create-gateway.js';
import { kernelStreaming } from './kernel-streaming.js';

const PIECE = 'x'.repeat(16 * 1024);
const PIECES = 4_000;

/** A kernel whose stream has 64 MB of text ready, counting how many parts were taken from it. */
function firehoseKernel(taken: { count: number }): Kernel {
  async function* parts(): AsyncGenerator<ChatStreamPart> {
    yield { type: 'response-metadata', id: 'up-1', model: 'm' } as ChatStreamPart;
    for (let index = 0; index < PIECES; index++) {
      taken.count++;
      // Each part in its own turn, as parts from separate upstream reads arrive.
      await new Promise((resolve) => setImmediate(resolve));
      yield { type: 'text-delta', delta: PIECE };
    }
    yield { type: 'finish', finishReason: 'stop' } as ChatStreamPart;
  }
  return kernelStreaming(parts());
}

const taken = { count: 0 };
let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  server = await createGateway({ kernel: firehoseKernel(taken) }).listen(0);
});
afterAll(() => server.close());

describe('a client that reads slower than the upstream answers', () => {
  it('slows the stream down instead of buffering the answer, and gets all of it', async () => {
    const body = JSON.stringify({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const received = await new Promise<{ paused: number; total: number }>((resolve, reject) => {
      const outgoing = request(
        `${server.url}/v1/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (incoming) => {
          incoming.pause();
          // Not reading for a while: the socket buffers fill and the gateway must stop pulling.
          setTimeout(() => {
            const paused = taken.count;
            let total = 0;
            incoming.on('data', (chunk: Buffer) => {
              total += chunk.length;
            });
            incoming.on('end', () => resolve({ paused, total }));
            incoming.resume();
          }, 500);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    // Unchecked, all 4,000 parts (64 MB) are taken within the half second of not reading.
    expect(received.paused).toBeLessThan(PIECES / 4);
    expect(received.total).toBeGreaterThan(PIECES * PIECE.length);
    expect(taken.count).toBe(PIECES);
  });
});
