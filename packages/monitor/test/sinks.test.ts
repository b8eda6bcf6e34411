import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Alert } from '@loom/core';
import { createLogSink, createMemorySink, createWebhookSink, type MemorySink } from '@loom/monitor';
import { testAlertSink } from '@loom/testkit/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let lastMemory: MemorySink | undefined;
testAlertSink('memory', {
  createSink: () => {
    lastMemory = createMemorySink();
    return lastMemory;
  },
  received: () => lastMemory?.alerts ?? [],
});

const logLines: string[] = [];
const destination = new Writable({
  write(chunk, _encoding, callback) {
    logLines.push(...String(chunk).split('\n').filter(Boolean));
    callback();
  },
});
const loggedAlerts = () => logLines.map((line) => (JSON.parse(line) as { alert: Alert }).alert);
testAlertSink('log', { createSink: () => createLogSink({ destination }), received: loggedAlerts });

interface Receiver {
  server: Server;
  url: string;
  bodies: unknown[];
  status: number;
  delayMs: number;
}
const receiver: Receiver = { server: createServer(), url: '', bodies: [], status: 200, delayMs: 0 };

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

beforeAll(async () => {
  receiver.server.on('request', async (request, response) => {
    receiver.bodies.push(await readBody(request));
    setTimeout(() => response.writeHead(receiver.status).end(), receiver.delayMs);
  });
  receiver.server.listen(0, '127.0.0.1');
  await once(receiver.server, 'listening');
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hook`;
});
afterAll(() => {
  receiver.server.closeAllConnections();
  receiver.server.close();
});

testAlertSink('webhook', {
  createSink: () => createWebhookSink({ url: receiver.url }),
  received: () => receiver.bodies.map((body) => (body as { alert: Alert }).alert).filter(Boolean),
});

const alert: Alert = {
  id: 'a-1',
  rule: 'high-latency',
  severity: 'critical',
  state: 'firing',
  message: 'p95 latency is 4.2 s; key sk-abcdefghijklmnop leaked',
  labels: { provider: 'openai', authorization: 'Bearer abcdefghijklmnop' },
  value: 4.2,
  timestamp: Date.UTC(2026, 0, 1),
};

describe('webhook sink', () => {
  const send = (sink: ReturnType<typeof createWebhookSink>) =>
    sink.doSend(alert, { signal: AbortSignal.timeout(5_000) });

  it('posts a Slack-compatible payload', async () => {
    receiver.bodies.length = 0;
    await send(createWebhookSink({ url: receiver.url, format: 'slack' }));
    const body = receiver.bodies[0] as { text: string; blocks: unknown[] };
    expect(body.text).toContain('[FIRING] high-latency (critical)');
    expect(body.blocks.length).toBe(2);
  });

  it('rejects on a non-2xx answer with a coded error', async () => {
    receiver.status = 503;
    await expect(send(createWebhookSink({ url: receiver.url }))).rejects.toMatchObject({
      code: 'alert_delivery_failed',
      statusCode: 503,
      isRetryable: true,
    });
    receiver.status = 200;
  });

  it('gives up when the receiver is slower than the timeout', async () => {
    receiver.delayMs = 2_000;
    await expect(send(createWebhookSink({ url: receiver.url, timeoutMs: 100 }))).rejects.toThrow();
    receiver.delayMs = 0;
  });

  it('refuses a URL that is not absolute', () => {
    expect(() => createWebhookSink({ url: 'not a url' })).toThrowError(
      expect.objectContaining({ code: 'invalid_config', path: 'url' }),
    );
  });
});

describe('log sink', () => {
  it('redacts keys and bearer tokens', async () => {
    logLines.length = 0;
    await createLogSink({ destination }).doSend(alert, { signal: AbortSignal.timeout(1_000) });
    const line = logLines.join('\n');
    expect(line).not.toContain('abcdefghijklmnop');
    expect(line).toContain('[redacted]');
    expect(JSON.parse(logLines[0]!)).toMatchObject({ level: 50, alert: { rule: 'high-latency' } });
  });
});
