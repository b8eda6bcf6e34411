import type { ChatStreamPart, Kernel } from '@loom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/server/create-gateway.js';
import { kernelStreaming } from './kernel-streaming.js';
import { readRawStream } from './raw-http.js';

/**
 * A kernel whose stream has every part ready at once, as when a fast upstream's whole answer
 * arrives in one read. When asked for the part after the first text, it says whether the event
 * loop has turned since that text was handed over: only then has Node uncorked the socket and
 * sent the first frame.
 */
function readyAtOnceKernel(): Kernel {
  async function* parts(): AsyncGenerator<ChatStreamPart> {
    yield { type: 'response-metadata', id: 'up-1', model: 'm' } as ChatStreamPart;
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    yield { type: 'text-delta', delta: 'first ' };
    yield { type: 'text-delta', delta: `turned:${turned}` };
    yield { type: 'finish', finishReason: 'stop' } as ChatStreamPart;
  }
  return kernelStreaming(parts());
}

let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  server = await createGateway({ kernel: readyAtOnceKernel() }).listen(0);
});
afterAll(() => server.close());

describe('the first streamed chunk', () => {
  it('leaves before the gateway reads the rest of an answer that arrived all at once', async () => {
    const { status, text } = await readRawStream(`${server.url}/v1/chat/completions`, {
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(status).toBe(200);
    expect(text).toContain('"content":"first "');
    expect(text).toContain('"content":"turned:true"');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });
});
