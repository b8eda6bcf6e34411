import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedUpstream } from '../../src/upstreams/simulated-upstream.js';
import { startOpenAIServer } from '../../src/upstreams/start-openai-server.js';
import { eventually, postJson, readOrError, simulate, sseData } from './http.js';

const model = 'gpt-4o-mini';
const chat = (content = 'one two three four', extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
});

let upstream: SimulatedUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function start(options: Parameters<typeof startOpenAIServer>[0] = {}) {
  upstream = await startOpenAIServer(options);
  return upstream;
}

describe('shared simulator machinery', () => {
  it('listens on 127.0.0.1 with a free port and records requests', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.baseURL).toBe(`${server.url}/v1`);
    await postJson(`${server.baseURL}/chat/completions`, chat(), { 'x-extra': 'yes' });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', aborted: false });
    expect(request?.headers['x-extra']).toBe('yes');
    expect(request?.body).toEqual(chat());
    server.clearRequests();
    expect(server.requests).toHaveLength(0);
  });

  it('records the path without its query, escapes kept', async () => {
    const server = await start();
    expect((await fetch(`${server.baseURL}/models?limit=1`)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/models/gpt-4o-mini%2Fx`)).status).toBe(404);
    // A leading `//` is read as URL reads it (a host), as before the plain-path shortcut.
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    socket.end('GET //v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(await eventually(() => server.requests.length === 3)).toBe(true);
    expect(server.requests.map((request) => request.path)).toEqual([
      '/v1/models',
      '/v1/models/gpt-4o-mini%2Fx',
      '/models',
    ]);
  });

  it('applies a rule `times` times, then answers normally', async () => {
    const server = await start();
    server.inject({ fault: { type: 'status', status: 503 }, times: 2 });
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) {
      statuses.push((await postJson(`${server.baseURL}/chat/completions`, chat())).status);
    }
    expect(statuses).toEqual([503, 503, 200]);
    expect(server.requests.map((request) => request.fault?.type)).toEqual([
      'status',
      'status',
      undefined,
    ]);
  });

  it('stops at a client that leaves mid-body: no fault spent, the request recorded aborted', async () => {
    const server = await start();
    server.inject({ fault: { type: 'status', status: 503 }, times: 1 });
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
        'content-length: 500\r\n\r\n{"model":"gpt-4o-mini",',
    );
    expect(await eventually(() => server.requests.length === 1)).toBe(true);
    socket.destroy();
    expect(await eventually(() => server.requests[0]?.aborted === true)).toBe(true);
    // The rule is still there for the next whole request.
    expect((await postJson(`${server.baseURL}/chat/completions`, chat())).status).toBe(503);
    expect(server.requests[0]?.fault).toBeUndefined();
  });

  it('matches rules by model and path, in insertion order, and clears them', async () => {
    const server = await start();
    server.inject({ fault: { type: 'status', status: 500 }, model: 'text-embedding-3-small' });
    server.inject({ fault: { type: 'status', status: 418 }, path: '/v1/models' });
    server.inject({ fault: { type: 'status', status: 429 } });
    const embed = await postJson(`${server.baseURL}/embeddings`, {
      model: 'text-embedding-3-small',
      input: 'x',
    });
    const models = await fetch(`${server.baseURL}/models`);
    const other = await postJson(`${server.baseURL}/chat/completions`, chat());
    expect([embed.status, models.status, other.status]).toEqual([500, 418, 429]);
    server.clearFaults();
    expect((await postJson(`${server.baseURL}/chat/completions`, chat())).status).toBe(200);
  });

  it('does not spend a stream fault on a non-streamed request', async () => {
    const server = await start();
    server.inject({ fault: { type: 'cut', afterChunks: 1 }, times: 1 });
    const plain = await postJson(`${server.baseURL}/chat/completions`, chat());
    expect(plain.status).toBe(200);
    const streamed = await postJson(
      `${server.baseURL}/chat/completions`,
      chat('a b c', { stream: true }),
    );
    expect(await readOrError(streamed)).toBeInstanceOf(Error);
    expect(server.requests.map((request) => request.fault?.type)).toEqual([undefined, 'cut']);
  });

  it('takes a fault from the x-loom-simulate header and refuses a bad one', async () => {
    const server = await start();
    const url = `${server.baseURL}/chat/completions`;
    const teapot = await postJson(
      url,
      chat(),
      simulate({ type: 'status', status: 418, body: 'short and stout' }),
    );
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe('short and stout');
    const bad = await postJson(url, chat(), { 'x-loom-simulate': 'not json' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('x-loom-simulate');
  });

  it('sends status fault headers and JSON bodies as given', async () => {
    const server = await start();
    const fault = {
      type: 'status',
      status: 429,
      body: { error: { message: 'slow down' } },
      headers: { 'Retry-After': '2' },
    };
    const response = await postJson(`${server.baseURL}/chat/completions`, chat(), simulate(fault));
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ error: { message: 'slow down' } });
  });

  it('resets the connection before any byte', async () => {
    const server = await start();
    const error = await postJson(
      `${server.baseURL}/chat/completions`,
      chat(),
      simulate({ type: 'reset' }),
    ).catch((reason: unknown) => reason as Error);
    expect(error).toBeInstanceOf(Error);
    expect(server.requests[0]?.aborted).toBe(false);
  });

  it('hangs until the client leaves and records the request aborted', async () => {
    const server = await start();
    const controller = new AbortController();
    const pending = postJson(
      `${server.baseURL}/chat/completions`,
      chat(),
      simulate({ type: 'hang' }),
    );
    const hung = fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chat()),
      headers: { 'x-loom-simulate': JSON.stringify({ type: 'hang' }) },
      signal: controller.signal,
    }).catch(() => 'aborted');
    await eventually(() => server.requests.length === 2);
    controller.abort();
    expect(await hung).toBe('aborted');
    expect(await eventually(() => server.requests.some((request) => request.aborted))).toBe(true);
    await server.close();
    await expect(pending).rejects.toThrow();
  });

  it('stalls a stream after N chunks, and records the abort when the client leaves', async () => {
    const server = await start();
    const controller = new AbortController();
    const response = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chat('a b c d', { stream: true })),
      headers: simulate({ type: 'stall', afterChunks: 2 }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('"b "')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).not.toContain('"c "');
    controller.abort();
    expect(await eventually(() => server.requests[0]?.aborted === true)).toBe(true);
  });

  it('streams a malformed chunk and goes on to [DONE]', async () => {
    const server = await start();
    const response = await postJson(
      `${server.baseURL}/chat/completions`,
      chat('a b c', { stream: true }),
      simulate({ type: 'malformed', afterChunks: 1 }),
    );
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    const unparseable = frames.filter((frame) => {
      try {
        JSON.parse(frame.slice(6));
        return false;
      } catch {
        return frame !== 'data: [DONE]';
      }
    });
    expect(unparseable).toHaveLength(1);
    expect(frames.indexOf(unparseable[0]!)).toBe(2);
    expect(frames.at(-1)).toBe('data: [DONE]');
  });

  it('paces answers by latency, time to first token and tokens per second', async () => {
    const server = await start({ latencyMs: 100, timeToFirstTokenMs: 100, tokensPerSecond: 20 });
    const started = Date.now();
    const response = await postJson(
      `${server.baseURL}/chat/completions`,
      chat('a b c d e', { stream: true }),
    );
    const headersAt = Date.now() - started;
    await response.text();
    const total = Date.now() - started;
    expect(headersAt).toBeGreaterThanOrEqual(90);
    // 100 latency + 100 first token + 4 gaps of 50 ms.
    expect(total).toBeGreaterThanOrEqual(380);
    const delayed = Date.now();
    await (
      await postJson(
        `${server.baseURL}/chat/completions`,
        chat('a'),
        simulate({ type: 'delay', ms: 300 }),
      )
    ).json();
    expect(Date.now() - delayed).toBeGreaterThanOrEqual(480);
  });

  it('close() destroys open connections and can be called twice', async () => {
    const server = await start();
    const pending = postJson(
      `${server.baseURL}/chat/completions`,
      chat(),
      simulate({ type: 'hang' }),
    );
    await eventually(() => server.requests.length === 1);
    await server.close();
    await server.close();
    await expect(pending).rejects.toThrow();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('records what a chat answered and the usage it reported', async () => {
    const server = await start();
    const streamed = await postJson(
      `${server.baseURL}/chat/completions`,
      chat('a b c', { stream: true }),
    );
    expect(sseData(await streamed.text()).at(-1)).toBe('[DONE]');
    expect(server.requests[0]?.answer).toEqual({ text: 'a b c', finishReason: 'stop' });
    const withUsage = chat('a b c', { stream: true, stream_options: { include_usage: true } });
    await (await postJson(`${server.baseURL}/chat/completions`, withUsage)).text();
    expect(server.requests[1]?.answer?.usage).toEqual({ inputTokens: 4, outputTokens: 4 });
  });
});
