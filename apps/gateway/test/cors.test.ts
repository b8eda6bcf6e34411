import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../src/server/route-request.js';
import { sendJson } from '../src/server/send.js';
import { type Stack, startStack } from './start-stack.js';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';
const adminRoute: Route = {
  method: 'GET',
  auth: false,
  body: false,
  admin: true,
  run: (_options, _body, { response }) => sendJson(response, 200, { ok: true }),
};

let closed: Stack;
let open: Stack;
beforeAll(async () => {
  [closed, open] = await Promise.all([
    startStack(),
    startStack({ gateway: { cors: { origins: [ALLOWED] }, routes: { '/api/stats': adminRoute } } }),
  ]);
});
afterAll(() => Promise.all([closed.close(), open.close()]));

const chat = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };

function post(url: string, origin: string) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify(chat),
  });
}

function preflight(url: string, origin: string, path = '/v1/chat/completions') {
  return fetch(`${url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-stainless-os',
    },
  });
}

describe('CORS', () => {
  it('caps a 10 KB origin in the refusal it repeats', async () => {
    const origin = `https://${'o'.repeat(10_000)}.example`;
    const refused = await preflight(closed.url, origin);
    expect(refused.status).toBe(403);
    const { message } = ((await refused.json()) as { error: { message: string } }).error;
    expect(message).toContain('… (10016 characters)');
    expect(message.length).toBeLessThan(400);
  });

  it('is closed by default: no CORS headers, preflight refused in OpenAI shape', async () => {
    const response = await post(closed.url, ALLOWED);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await preflight(closed.url, ALLOWED);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(await refused.json()).toEqual({
      error: {
        message: expect.stringContaining('server.cors.origins'),
        type: 'permission_error',
        param: null,
        code: 'cors_origin_not_allowed',
      },
    });
  });

  it('answers the preflight of a listed origin with methods, headers and Vary', async () => {
    const answer = await preflight(open.url, ALLOWED);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(answer.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type, x-stainless-os',
    );
    expect(answer.headers.get('vary')).toContain('Origin');
  });

  it('lets a listed origin read answers and x-loom headers', async () => {
    const response = await post(open.url, ALLOWED);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-loom-provider');
  });

  it('gives an unlisted origin no CORS headers but still Vary: Origin', async () => {
    const response = await post(open.url, OTHER);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
    expect((await preflight(open.url, OTHER)).status).toBe(403);
  });

  it('keeps CORS headers on error answers, so a page can read the error', async () => {
    const response = await fetch(`${open.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('never opens admin routes to other origins', async () => {
    const response = await fetch(`${open.url}/api/stats`, { headers: { origin: ALLOWED } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(open.url, ALLOWED, '/api/stats')).status).toBe(405);
  });
});
