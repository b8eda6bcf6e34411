import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { countSimulatedTokens } from '../../src/upstreams/answer/simulated-tokens.js';
import type { FakeWire } from '../../src/upstreams/fake/fake-wire.js';
import type {
  SimulatedBehaviour,
  SimulatedUpstream,
} from '../../src/upstreams/simulated-upstream.js';
import { startFakeUpstream } from '../../src/upstreams/start-fake-upstream.js';
import { eventually, ndjson, postJson, simulate } from './http.js';

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

/** A made-up NDJSON wire, unlike any built-in one, so nothing here leans on their code. */
const tinyWire: FakeWire = {
  basePath: '/api',
  chatPath: '/api/generate',
  modelsPath: '/api/models',
  healthPath: '/healthz',
  readChat(body) {
    const request = (body ?? {}) as { model?: string; stream?: boolean; prompt?: string };
    return { model: request.model, stream: request.stream === true, prompt: request.prompt ?? '' };
  },
  answer: (reply) => ({ out: reply.text, why: reply.finishReason, used: reply.usage }),
  models: (ids) => ({ names: ids }),
  error: (status, message) => ({ failure: { status, message } }),
  stream: {
    contentType: 'application/x-ndjson',
    chunk: (delta) => line({ delta }),
    end: (reply) => line({ finished: reply.finishReason, used: reply.usage }),
    error: (message) => line({ failure: message }),
  },
};

const PROMPT = 'one two three four five';

let upstream: SimulatedUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function start(behaviour: SimulatedBehaviour = {}, wire: FakeWire = tinyWire) {
  upstream = await startFakeUpstream(wire, { models: ['tiny-1'], ...behaviour });
  return upstream;
}

/** POSTs a chat to the tiny wire. */
function generate(server: SimulatedUpstream, extra: Record<string, unknown> = {}, headers = {}) {
  const body = { model: 'tiny-1', prompt: PROMPT, ...extra };
  return postJson(`${server.url}/api/generate`, body, headers);
}

/**
 * POSTs with node:http, which hands over every byte that arrived before a broken connection
 * (fetch may drop them), and whether the body arrived complete.
 */
function rawPost(url: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ text: string; complete: boolean }>((resolve, reject) => {
    const client = request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('error', () => {});
      response.on('close', () => resolve({ text, complete: response.complete }));
    });
    client.on('error', reject);
    client.end(JSON.stringify(body));
  });
}

/** Reads until `text` holds `lines` complete lines, then checks nothing more comes for `quietMs`. */
async function silentAfter(response: Response, lines: number, quietMs: number) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.split('\n').length - 1 < lines) {
    text += decoder.decode((await reader.read()).value, { stream: true });
  }
  const quiet = new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), quietMs));
  const next = await Promise.race([reader.read().then(() => 'more' as const), quiet]);
  reader.cancel().catch(() => {});
  return { text, next };
}

const deltas = (text: string) =>
  ndjson(text)
    .map((object) => object.delta)
    .filter((delta) => typeof delta === 'string');

describe('startFakeUpstream', () => {
  it('answers a whole chat in the wire’s shape, with usage counted as the simulators count', async () => {
    const server = await start();
    expect(server.baseURL).toBe(`${server.url}/api`);
    const response = await generate(server);
    expect(response.status).toBe(200);
    // The reply echoes the prompt, so both counts are the prompt's.
    const tokens = countSimulatedTokens(PROMPT);
    const usage = { inputTokens: tokens, outputTokens: tokens };
    expect(await response.json()).toEqual({ out: PROMPT, why: 'stop', used: usage });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/generate',
      body: { model: 'tiny-1', prompt: PROMPT },
      aborted: false,
      answer: { text: PROMPT, finishReason: 'stop', usage },
    });
  });

  it('streams the reply in several content frames, then the end frame', async () => {
    const server = await start();
    const response = await generate(server, { stream: true });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const objects = ndjson(await response.text());
    expect(objects.length).toBe(6);
    expect(objects.slice(0, 5).map((object) => object.delta)).toEqual([
      'one ',
      'two ',
      'three ',
      'four ',
      'five',
    ]);
    const tokens = countSimulatedTokens(PROMPT);
    const usage = { inputTokens: tokens, outputTokens: tokens };
    expect(objects.at(-1)).toEqual({ finished: 'stop', used: usage });
    expect(server.requests[0]?.answer).toEqual({ text: PROMPT, finishReason: 'stop', usage });
  });

  it('answers with the reply option, the model list and the health route', async () => {
    const server = await start({ reply: () => 'fixed answer', models: ['tiny-1', 'tiny-2'] });
    expect(await (await generate(server)).json()).toMatchObject({ out: 'fixed answer' });
    const models = await fetch(`${server.url}/api/models`);
    expect(await models.json()).toEqual({ names: ['tiny-1', 'tiny-2'] });
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('answers an unknown model, an unknown route and a wrong key with wire.error', async () => {
    const server = await start({ apiKey: 'key-1' });
    const bearer = { authorization: 'Bearer key-1' };
    const unknown = await generate(server, { model: 'nobody' }, bearer);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      failure: { status: 404, message: "model 'nobody' not found" },
    });
    const wrongKey = await generate(server, {}, { authorization: 'Bearer nope' });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toMatchObject({ failure: { status: 401 } });
    expect((await generate(server, {}, bearer)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const route = await fetch(`${server.url}/api/nothing`, { headers: bearer });
    expect([route.status, await route.json()]).toMatchObject([404, { failure: { status: 404 } }]);
  });

  it('plays status faults with their own body and headers, or wire.error for the status', async () => {
    const server = await start();
    server.inject({
      fault: {
        type: 'status',
        status: 429,
        body: { slow: 'down' },
        headers: { 'Retry-After': '2' },
      },
      times: 1,
    });
    server.inject({ fault: { type: 'status', status: 503 }, path: '/healthz' });
    const limited = await generate(server);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    expect(await limited.json()).toEqual({ slow: 'down' });
    const down = await fetch(`${server.url}/healthz`);
    expect([down.status, await down.json()]).toEqual([
      503,
      { failure: { status: 503, message: 'simulated error' } },
    ]);
    expect((await generate(server)).status).toBe(200);
  });

  it('resets the connection before any byte', async () => {
    const server = await start();
    await expect(generate(server, {}, simulate({ type: 'reset' }))).rejects.toThrow();
    expect(server.requests[0]?.fault).toEqual({ type: 'reset' });
  });

  it('hangs until the client leaves, and records the request aborted', async () => {
    const server = await start();
    server.inject({ fault: { type: 'hang' } });
    const controller = new AbortController();
    let settled = false;
    const pending = fetch(`${server.url}/api/models`, { signal: controller.signal }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([settled, server.requests.length, server.requests[0]?.aborted]).toEqual([
      false,
      1,
      false,
    ]);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(await eventually(() => server.requests[0]?.aborted === true)).toBe(true);
  });

  it('stalls a stream after N content frames, keeping the connection open', async () => {
    const server = await start();
    const response = await generate(
      server,
      { stream: true },
      simulate({ type: 'stall', afterChunks: 2 }),
    );
    const { text, next } = await silentAfter(response, 2, 300);
    expect(deltas(text)).toEqual(['one ', 'two ']);
    expect(next).toBe('quiet');
    expect(await eventually(() => server.requests[0]?.aborted === true)).toBe(true);
  });

  it('cuts the connection after N content frames, without the end frame', async () => {
    const server = await start();
    const body = { model: 'tiny-1', prompt: PROMPT, stream: true };
    const headers = simulate({ type: 'cut', afterChunks: 2 });
    const { text, complete } = await rawPost(`${server.url}/api/generate`, body, headers);
    expect(complete).toBe(false);
    expect(ndjson(text)).toEqual([{ delta: 'one ' }, { delta: 'two ' }]);
    // The server cut it: not a client abort.
    expect(server.requests[0]?.aborted).toBe(false);
  });

  it('writes a line that is not JSON after N frames on NDJSON, and an SSE event on SSE', async () => {
    const server = await start();
    const response = await generate(
      server,
      { stream: true },
      simulate({ type: 'malformed', afterChunks: 1 }),
    );
    const lines = (await response.text()).split('\n').filter(Boolean);
    const bad = lines.filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toEqual(['{"delta":']);
    expect(lines.indexOf('{"delta":')).toBe(1);
    await server.close();
    const sseWire = {
      ...tinyWire,
      stream: { ...tinyWire.stream, contentType: 'text/event-stream' },
    };
    const sse = await start({}, sseWire);
    const events = await generate(
      sse,
      { stream: true },
      simulate({ type: 'malformed', afterChunks: 0 }),
    );
    expect(await events.text()).toMatch(/^data: \{"x":\n\n/);
  });

  it('sends the in-band error frame after N content frames, then ends', async () => {
    const server = await start();
    const body = { model: 'tiny-1', prompt: PROMPT, stream: true };
    const fault = { type: 'in-band-error', afterChunks: 1, message: 'runner died' } as const;
    const { text, complete } = await rawPost(`${server.url}/api/generate`, body, simulate(fault));
    expect(complete).toBe(true);
    expect(ndjson(text)).toEqual([{ delta: 'one ' }, { failure: 'runner died' }]);
  });

  it('delays a streamed answer by a delay fault and paces it by tokensPerSecond', async () => {
    const server = await start({ tokensPerSecond: 20 });
    server.inject({ fault: { type: 'delay', ms: 200 }, times: 1 });
    const started = Date.now();
    await (await generate(server, { stream: true })).text();
    // 200 ms delay, then 4 gaps of 50 ms between the 5 frames.
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it('records a streamed request aborted when the client leaves midway', async () => {
    const server = await start({ tokensPerSecond: 5 });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'tiny-1', prompt: PROMPT, stream: true }),
      signal: controller.signal,
    });
    await response.body!.getReader().read();
    expect(server.requests[0]?.aborted).toBe(false);
    controller.abort();
    expect(await eventually(() => server.requests[0]?.aborted === true)).toBe(true);
  });
});
