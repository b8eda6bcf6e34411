import { networkInterfaces } from 'node:os';
import type { Kernel } from '@loom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../src/server/admin-access.js';
import { createGateway } from '../src/server/create-gateway.js';
import type { Route } from '../src/server/route-request.js';
import { sendJson } from '../src/server/send.js';
import { type Stack, startStack } from './start-stack.js';

const adminRoute: Route = {
  method: 'GET',
  auth: false,
  body: false,
  admin: true,
  run: (_options, _body, { response }) => sendJson(response, 200, { stats: 1 }),
};
const routes = { '/api/stats': adminRoute };

/** An IPv4 address of this machine that is not loopback, when there is one. */
function externalAddress(): string | undefined {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return entry.address;
    }
  }
  return undefined;
}

describe('isLoopbackAddress', () => {
  it('accepts 127/8, ::1 and mapped loopback, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(address)).toBe(true);
    }
    for (const address of [
      '10.0.0.1',
      '192.0.2.2',
      '::ffff:10.0.0.1',
      'fe80::1',
      '128.0.0.1',
      '127.example.com',
      '',
      undefined,
    ]) {
      expect(isLoopbackAddress(address)).toBe(false);
    }
  });
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gateway: { routes } });
});
afterAll(() => stack.close());

describe('admin routes', () => {
  it('answer a loopback client', async () => {
    const response = await fetch(`${stack.url}/api/stats`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stats: 1 });
  });

  it('refuse a request that came through a proxy, since its client is not local', async () => {
    const proxied: Array<Record<string, string>> = [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
    ];
    for (const header of proxied) {
      const response = await fetch(`${stack.url}/api/stats`, { headers: header });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({
        type: 'permission_error',
        code: 'admin_loopback_only',
        message: expect.stringContaining('server.exposeAdmin'),
      });
    }
    // The OpenAI routes are not admin routes.
    const models = await fetch(`${stack.url}/v1/models`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(models.status).toBe(200);
  });

  const external = externalAddress();
  it.skipIf(external === undefined)(
    'refuse a client on a non-loopback address unless exposeAdmin is set',
    async () => {
      const host = external as string;
      const listen = (exposeAdmin: boolean) =>
        createGateway({ kernel: stack.kernel as Kernel, routes, exposeAdmin }).listen(0, host);
      const [closed, exposed] = await Promise.all([listen(false), listen(true)]);
      try {
        const refused = await fetch(`${closed.url}/api/stats`);
        expect(refused.status).toBe(403);
        const body = (await refused.json()) as { error: { code: string } };
        expect(body.error.code).toBe('admin_loopback_only');
        expect((await fetch(`${closed.url}/healthz`)).status).toBe(200);
        expect((await fetch(`${exposed.url}/api/stats`)).status).toBe(200);
      } finally {
        await Promise.all([closed.close(), exposed.close()]);
      }
    },
  );
});
