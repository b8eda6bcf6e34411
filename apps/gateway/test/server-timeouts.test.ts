import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config/load-config.js';
import { gatewayServerOptions } from '../src/server/server-options.js';
import { readRawStream } from './raw-http.js';
import { type Stack, startStack } from './start-stack.js';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;
// Generous: the limits are a few hundred ms; Node's defaults would hold the socket for minutes.
const ANSWERED_WITHIN_MS = 5_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    // A stream that takes well over the request timeout to answer (about 20 tokens a second).
    upstream: { tokensPerSecond: 20 },
    gateway: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
  });
});
afterAll(() => stack.close());

/** What a trickling client saw: the bytes the server sent and how long until it closed. */
interface Trickled {
  received: string;
  closedAfterMs: number;
}

/**
 * Connects, sends `head` at once, then `trickle` one byte every 50 ms, and reports what the
 * server answered and when it closed the socket (rejects past `ANSWERED_WITHIN_MS`).
 */
function trickle(url: string, head: string, trickled: string): Promise<Trickled> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(head);
      let index = 0;
      timer = setInterval(() => {
        if (index < trickled.length && socket.writable) socket.write(trickled[index++] ?? '');
      }, 50);
    });
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after ${ANSWERED_WITHIN_MS} ms`));
    }, ANSWERED_WITHIN_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: Date.now() - startedAt });
    });
  });
}

function expectTimedOut(result: Trickled): void {
  // No response had started: node:http answers 408 and closes.
  expect(result.received).toMatch(/^HTTP\/1\.1 408 /);
  expect(result.closedAfterMs).toBeLessThan(ANSWERED_WITHIN_MS);
}

const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });

describe('server timeouts', () => {
  it('closes a connection whose headers come too slowly', async () => {
    const result = await trickle(
      stack.url,
      'POST /v1/chat/completions HTTP/1.1\r\n',
      `Host: x\r\nContent-Type: application/json\r\nX-Slow: ${'a'.repeat(200)}\r\n`,
    );
    expectTimedOut(result);
  });

  it('closes a connection whose body comes too slowly', async () => {
    const result = await trickle(
      stack.url,
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\n\r\n`,
      body,
    );
    expectTimedOut(result);
  });

  it('never cuts a streamed answer that outlasts the request timeout', async () => {
    const startedAt = Date.now();
    const { status, text } = await readRawStream(`${stack.url}/v1/chat/completions`, {
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'a slow answer '.repeat(12) }],
    });
    expect(Date.now() - startedAt).toBeGreaterThan(REQUEST_TIMEOUT_MS * 1.5);
    expect(status).toBe(200);
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('still answers an ordinary request', async () => {
    const response = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
  });
});

describe('server.requestTimeoutMs and server.headersTimeoutMs', () => {
  const base = { providers: [{ id: 'local', type: 'ollama' }] };

  it('are read from the config into the gateway options', () => {
    const config = validateConfig(
      { ...base, server: { requestTimeoutMs: 30_000, headersTimeoutMs: 5_000 } },
      'loom.json',
    );
    const options = gatewayServerOptions(config);
    expect(options).toMatchObject({ requestTimeoutMs: 30_000, headersTimeoutMs: 5_000 });
  });

  it('refuse a header timeout longer than the request timeout, and non-positive values', () => {
    expect(() =>
      validateConfig(
        { ...base, server: { requestTimeoutMs: 1_000, headersTimeoutMs: 2_000 } },
        'loom.json',
      ),
    ).toThrow(/server\.headersTimeoutMs/);
    expect(() =>
      validateConfig({ ...base, server: { headersTimeoutMs: 90_000 } }, 'loom.json'),
    ).toThrow(/server\.headersTimeoutMs/);
    expect(() => validateConfig({ ...base, server: { requestTimeoutMs: 0 } }, 'loom.json')).toThrow(
      /server\.requestTimeoutMs/,
    );
  });
});
