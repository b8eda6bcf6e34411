import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInPrompt, createHttpTarget, runBenchmark } from '../src/index.js';

// A gateway-like server: every answer carries Loom's cost and deployment headers, among others.
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const body = JSON.stringify({
      id: 'x',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'X-Loom-Request-Id': 'r-1',
      'X-Loom-Cost-Usd': '0.000125',
      'X-Loom-Provider': 'sim',
      'X-Loom-Model': 'gpt-4o-mini',
      'Content-Length': Buffer.byteLength(body),
    });
    // Two writes: the answer arrives in more than one chunk.
    response.write(body.slice(0, 20));
    response.end(body.slice(20));
  });
});
let baseURL = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the HTTP target', () => {
  it('reads tokens, cost and the serving deployment of whole answers, headers in any case', async () => {
    const target = createHttpTarget({ baseURL, model: 'gpt-4o-mini' });
    try {
      const results = await runBenchmark({
        target,
        scenario: 'chat',
        prompts: [builtInPrompt('short')],
        requests: 20,
      });
      const run = results.runs[0];
      expect(run).toMatchObject({ succeeded: 20, inputTokens: 140, outputTokens: 60 });
      expect(run?.costPer1kUsd).toBeCloseTo(0.125, 9);
      expect(Object.keys(run?.deployments ?? {})).toEqual(['sim/gpt-4o-mini']);
    } finally {
      await target.close?.();
    }
  });
});
