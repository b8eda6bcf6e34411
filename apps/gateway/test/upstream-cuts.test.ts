// Upstream connections cut under the gateway (a TCP proxy dropping every socket, busy or idle):
// undici's pool and the provider's response bodies must turn each cut into an attempt failure,
// never an 'error' event nobody listens to, and the gateway keeps serving.
import {
  type SimulatedUpstream,
  startOpenAIServer,
  startTcpProxy,
  type TcpProxy,
} from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, readRawStream, waitFor } from './raw-http.js';
import { chatRequests, type Stack, startStack } from './start-stack.js';

let upstream: SimulatedUpstream;
let steady: SimulatedUpstream;
let proxy: TcpProxy;
let stack: Stack;
beforeAll(async () => {
  [upstream, steady] = await Promise.all([startOpenAIServer(), startOpenAIServer()]);
  proxy = await startTcpProxy(upstream.url, 80);
  stack = await startStack({
    config: {
      providers: [
        { id: 'cut', type: 'openai', baseURL: new URL('/v1', proxy.url).toString() },
        { id: 'steady', type: 'openai', baseURL: steady.baseURL },
      ],
      models: [
        { name: 'chat', targets: ['cut/gpt-4o-mini', 'steady/gpt-4o-mini'] },
        { name: 'solo', targets: ['cut/gpt-4o-mini'] },
      ],
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await proxy?.close();
  await Promise.all([upstream?.close(), steady?.close()]);
});

const ask = (model: string, stream = false) => ({
  model,
  stream,
  messages: [{ role: 'user', content: 'a question answered through a proxy' }],
});

/** The gateway still answers plain chats and streams through the proxy. */
async function stillServes(): Promise<void> {
  const plain = await postJson(`${stack.url}/v1/chat/completions`, ask('solo'));
  expect(plain.status).toBe(200);
  const streamed = await readRawStream(`${stack.url}/v1/chat/completions`, ask('solo', true));
  expect(streamed.text.trim().endsWith('data: [DONE]')).toBe(true);
  expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
}

describe('upstream connections cut under the gateway', () => {
  it('a stream whose upstream connection is cut mid-way ends with an error frame, never [DONE]; the gateway keeps serving', async () => {
    upstream.clearRequests();
    upstream.inject({ fault: { type: 'stall', afterChunks: 2 }, times: 1 });
    const reading = readRawStream(`${stack.url}/v1/chat/completions`, ask('solo', true));
    await waitFor(() => chatRequests(upstream).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.cut();
    const { status, text } = await reading;
    proxy.restore();
    expect(status).toBe(200);
    const last = JSON.parse(
      text
        .trim()
        .split('\n\n')
        .at(-1)!
        .replace(/^data: /, ''),
    );
    expect(last.error).toBeDefined();
    expect(text).not.toContain('[DONE]');
    await stillServes();
  });

  it('a plain chat whose upstream connection is cut while it waits fails over to another deployment', async () => {
    upstream.clearRequests();
    upstream.inject({ fault: { type: 'delay', ms: 1_000 }, times: 1 });
    const answer = postJson(`${stack.url}/v1/chat/completions`, ask('chat'));
    await waitFor(() => chatRequests(upstream).length === 1);
    proxy.cut();
    const reply = await answer;
    proxy.restore();
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-loom-provider')).toBe('steady');
    await stillServes();
  });

  it('idle pooled connections cut between requests: the next ones are answered', async () => {
    await stillServes();
    proxy.cut();
    proxy.restore();
    await stillServes();
    await stillServes();
  });
});
