import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './raw-http.js';
import { type RuntimeStack, startRuntimeStack } from './runtime-stack.js';
import { chatRequests } from './start-stack.js';

let stack: RuntimeStack;
beforeAll(async () => {
  stack = await startRuntimeStack({ storage: { ledger: 'memory' } });
});
afterAll(() => stack?.close());

/**
 * Posts a chat and drops the connection after `ms`, like a client that gave up waiting; resolves
 * with whether an answer had started by then (it must not have, for the test to mean anything).
 */
function postThenLeave(body: unknown, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answered = false;
    const outgoing = request(`${stack.loom.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    outgoing.on('error', () => {});
    outgoing.on('response', () => {
      answered = true;
    });
    outgoing.end(JSON.stringify(body));
    setTimeout(() => {
      outgoing.destroy();
      resolve(answered);
    }, ms);
  });
}

const ask = (stream: boolean) => ({
  model: 'chat',
  stream,
  messages: [{ role: 'user', content: 'a question the client will not wait for' }],
});

describe('a request its client abandons', () => {
  it('a plain chat left while the upstream works: the upstream is aborted, one estimated ledger row with its input', async () => {
    const from = Date.now();
    stack.primary.clearRequests();
    stack.primary.inject({
      fault: { type: 'delay', ms: 300 },
      path: '/v1/chat/completions',
      times: 1,
    });
    expect(await postThenLeave(ask(false), 100)).toBe(false);
    await waitFor(() => chatRequests(stack.primary)[0]?.aborted === true);
    const report = await stack.loom.cost.report({ from });
    expect(report).toMatchObject({ records: 1, estimated: 1, outputTokens: 0 });
    expect(report.inputTokens).toBeGreaterThan(0);
    expect(report.totalMicros).toBeGreaterThan(0);
    expect(chatRequests(stack.backup)).toHaveLength(0);
  });

  it('a stream left before its first chunk: the upstream is aborted, one estimated ledger row with its input', async () => {
    const from = Date.now();
    stack.primary.clearRequests();
    stack.primary.inject({ fault: { type: 'hang' }, path: '/v1/chat/completions', times: 1 });
    expect(await postThenLeave(ask(true), 100)).toBe(false);
    await waitFor(() => chatRequests(stack.primary)[0]?.aborted === true);
    const report = await stack.loom.cost.report({ from });
    expect(report).toMatchObject({ records: 1, estimated: 1, outputTokens: 0 });
    expect(report.inputTokens).toBeGreaterThan(0);
  });
});
