import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderCallError } from '@loom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonClient, openStream } from '../src/index.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('openStream against an error answer whose body stalls', () => {
  it('rejects with the mapped status once the body limit passes, not never', async () => {
    server = createServer((_request, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      response.write('{"error": {"message": "slow');
      // ...and nothing more.
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = createJsonClient({
      provider: 'p',
      baseURL: `http://127.0.0.1:${port}`,
      headersTimeoutMs: 5_000,
      bodyTimeoutMs: 200,
    });
    const started = Date.now();
    const error = await openStream(client, {
      method: 'POST',
      path: '/chat',
      body: '{}',
      auth: { headers: { 'content-type': 'application/json' }, secrets: [] },
      signal: new AbortController().signal,
    }).catch((caught: unknown) => caught);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 2_000 });
    expect(Date.now() - started).toBeLessThan(4_000);
    await client.close();
  });
});
