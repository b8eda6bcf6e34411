import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from './raw-http.js';
import { chatRequests, type Stack, startStack } from './start-stack.js';

let stack: Stack;
beforeAll(async () => {
  // Paced answers: the client's half-close arrives well before the answer is ready.
  stack = await startStack({ upstream: { latencyMs: 150, timeToFirstTokenMs: 150 } });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.primary.clearFaults();
  stack.primary.clearRequests();
});

/**
 * Sends `body` as one HTTP/1.1 request on a raw socket, then half-closes the socket (FIN: "no
 * more requests", still reading) and returns every byte the server sent until it closed.
 */
function postThenHalfClose(url: string, body: unknown): Promise<string> {
  const { hostname, port } = new URL(url);
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true }, () => {
      socket.write(
        'POST /v1/chat/completions HTTP/1.1\r\n' +
          `Host: ${hostname}:${port}\r\n` +
          'Content-Type: application/json\r\n' +
          `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n` +
          text,
      );
      socket.end();
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

/** Sends a request on a raw socket, then closes the socket entirely (a client that left). */
function postThenLeave(url: string, body: unknown): void {
  const { hostname, port } = new URL(url);
  const text = JSON.stringify(body);
  const socket = connect({ host: hostname, port: Number(port) }, () => {
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n` +
        text,
      () => socket.destroy(),
    );
  });
  socket.on('error', () => {});
}

/** The final (non-1xx) response of a raw exchange: status line and body. */
function finalResponse(raw: string): { status: number; body: string } {
  let rest = raw;
  for (;;) {
    const match = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n/.exec(rest);
    if (!match) throw new Error(`no HTTP response in ${JSON.stringify(raw.slice(0, 200))}`);
    const end = rest.indexOf('\r\n\r\n');
    const status = Number(match[1]);
    if (status >= 200) return { status, body: rest.slice(end + 4) };
    rest = rest.slice(end + 4);
  }
}

const ask = { model: 'solo', messages: [{ role: 'user', content: 'answer a half-closed client' }] };

describe('a client that half-closes after its request', () => {
  it('gets its whole non-stream answer', async () => {
    const { status, body } = finalResponse(await postThenHalfClose(stack.url, ask));
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: expect.stringContaining('half-closed') } }],
    });
    expect(chatRequests(stack.primary)).toHaveLength(1);
    expect(chatRequests(stack.primary)[0]?.aborted).toBe(false);
  });

  it('gets its whole stream, to [DONE]', async () => {
    const { status, body } = finalResponse(
      await postThenHalfClose(stack.url, { ...ask, stream: true }),
    );
    expect(status).toBe(200);
    expect(body).toContain('"role":"assistant"');
    expect(body).toContain('data: [DONE]');
    expect(body).not.toContain('"error"');
    expect(chatRequests(stack.primary)[0]?.aborted).toBe(false);
  });

  it('still aborts the upstream call of a client that closed entirely (its FIN looks the same)', async () => {
    stack.primary.inject({ fault: { type: 'hang' }, path: '/v1/chat/completions', times: 1 });
    postThenLeave(stack.url, ask);
    await waitFor(() => chatRequests(stack.primary)[0]?.aborted === true);
  });
});
