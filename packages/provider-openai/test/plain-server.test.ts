// A bare node:http server for what the simulator cannot show: socket counts, JSON-only servers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAI } from '../src/index.js';
import { ask, callContext } from './helpers.js';

let server: Server;
let baseURL: string;
let connections = 0;

const completion = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(completion);
      }, 5);
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

describe('connection pooling', () => {
  it('reuses keep-alive sockets for sequential calls', async () => {
    connections = 0;
    const provider = createOpenAI({ baseURL, apiKey: 'sk-test' });
    for (let index = 0; index < 10; index++) await provider.doChat(ask('hi'), callContext());
    await provider.close?.();
    // undici frees a socket a tick after the body ends, so a second one may open once.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('opens at most `connections` sockets under concurrency', async () => {
    connections = 0;
    const provider = createOpenAI({ baseURL, apiKey: 'sk-test', connections: 2 });
    await Promise.all(Array.from({ length: 12 }, () => provider.doChat(ask('hi'), callContext())));
    await provider.close?.();
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('sends through an injected dispatcher and leaves closing it to the owner', async () => {
    connections = 0;
    const agent = new Agent({ connections: 1 });
    const provider = createOpenAI({ baseURL, apiKey: 'sk-test', dispatcher: agent });
    const response = await provider.doChat(ask('hi'), callContext());
    await provider.close?.();
    expect(response.message.content).toBe('ok');
    expect(agent.closed).toBe(false);
    await agent.close();
  });
});

describe('a server that ignores stream: true', () => {
  it('has its one JSON answer turned into stream parts', async () => {
    const provider = createOpenAI({ baseURL, apiKey: 'sk-test' });
    const { stream } = await provider.doStream(ask('hi'), callContext());
    const parts = [];
    for await (const part of stream) parts.push(part);
    await provider.close?.();
    const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2, estimated: false };
    expect(parts).toStrictEqual([
      { type: 'response-metadata', id: 'chatcmpl-1', model: 'gpt-4o-mini' },
      { type: 'text-delta', delta: 'ok' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop', usage },
    ]);
  });
});
