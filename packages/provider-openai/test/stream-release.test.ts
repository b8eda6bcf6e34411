// What happens to an SSE body once its answer is complete: the consumer stops at the finish part,
// and the body's end (which may come a moment after `[DONE]`) must still free the socket for reuse.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAI } from '../src/index.js';
import { ask, callContext } from './helpers.js';

let server: Server;
let baseURL: string;
let connections = 0;

const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  event({
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(chunk({ role: 'assistant', content: 'hi' }));
      response.write(`${chunk({}, 'stop')}data: [DONE]\n\n`);
      // The end of the body arrives after `[DONE]`, when the consumer has already stopped.
      setTimeout(() => response.end(), 30);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a stream body after [DONE]', () => {
  it('is drained rather than destroyed, so the socket is reused', async () => {
    connections = 0;
    const provider = createOpenAI({ baseURL, apiKey: 'sk-test', connections: 1 });
    for (let index = 0; index < 5; index++) {
      const { stream } = await provider.doStream(ask('hi'), callContext());
      const iterator = stream[Symbol.asyncIterator]();
      // Stop at the finish part, as the kernel does, without reading the iterator to its end.
      for (;;) {
        const next = await iterator.next();
        if (next.done || next.value.type === 'finish') break;
      }
      await iterator.return?.();
    }
    await provider.close?.();
    // Destroying each body would have cut its socket: one connection per stream.
    expect(connections).toBe(1);
  });
});
