import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectAfterFirstChunk, readRawStream, waitFor } from './raw-http.js';
import { chatRequests, type Stack, startStack } from './start-stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const body = {
  model: 'solo',
  stream: true,
  messages: [{ role: 'user', content: 'tell me a long story please' }],
};

describe('stream faults', () => {
  it('ends a stream that fails after its first chunk with an error frame and no [DONE]', async () => {
    stack.primary.inject({
      fault: { type: 'in-band-error', afterChunks: 3, message: 'engine died' },
      path: '/v1/chat/completions',
      times: 1,
    });
    const { status, text } = await readRawStream(`${stack.url}/v1/chat/completions`, body);
    expect(status).toBe(200);
    expect(text).toContain('"role":"assistant"');
    const frames = text.trim().split('\n\n');
    const last = JSON.parse(frames.at(-1)!.replace(/^data: /, ''));
    expect(last.error).toMatchObject({
      message: expect.stringContaining('engine died'),
      type: expect.any(String),
    });
    expect(text).not.toContain('[DONE]');
  });

  it('ends a healthy raw stream with [DONE]', async () => {
    const { text } = await readRawStream(`${stack.url}/v1/chat/completions`, body);
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    stack.primary.clearRequests();
    stack.primary.inject({
      fault: { type: 'stall', afterChunks: 1 },
      path: '/v1/chat/completions',
      times: 1,
    });
    const first = await disconnectAfterFirstChunk(`${stack.url}/v1/chat/completions`, body);
    expect(first).toContain('data: ');
    await waitFor(() => chatRequests(stack.primary)[0]?.aborted === true);
  });

  it('aborts the upstream request when the client of a plain chat disconnects', async () => {
    stack.primary.clearRequests();
    stack.primary.inject({ fault: { type: 'hang' }, path: '/v1/chat/completions', times: 1 });
    const outgoing = request(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    outgoing.on('error', () => {});
    outgoing.end(JSON.stringify({ ...body, stream: false }));
    await waitFor(() => chatRequests(stack.primary).length === 1);
    outgoing.destroy();
    await waitFor(() => chatRequests(stack.primary)[0]?.aborted === true);
  });

  it('reports ready while a provider serves', async () => {
    const ready = await fetch(`${stack.url}/readyz`);
    expect(ready.status).toBe(200);
    const health = await fetch(`${stack.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
