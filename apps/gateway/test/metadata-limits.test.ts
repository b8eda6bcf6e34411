import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config/load-config.js';
import { gatewayServerOptions } from '../src/server/server-options.js';
import { postJson } from './raw-http.js';
import { chatRequests, type Stack, startStack } from './start-stack.js';

const ask = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };

/** `count` tags `t0: v0`, `t1: v1`, ... */
function tags(count: number, value = (index: number) => `v${index}`): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, index) => [`t${index}`, value(index)]),
  );
}

function expectRefused(
  result: Awaited<ReturnType<typeof postJson>>,
  code: string,
  mention: string,
): void {
  expect(result.status).toBe(400);
  const { error } = result.json();
  expect(error).toMatchObject({ type: 'invalid_request_error', param: 'metadata', code });
  expect(error.message).toContain(mention);
}

describe('metadata tag limits, by default', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  const chatURL = () => `${stack.url}/v1/chat/completions`;

  it('refuses 20,000 tags with 400 naming metadata, before any upstream call', async () => {
    stack.primary.clearRequests();
    const result = await postJson(chatURL(), { ...ask, metadata: tags(20_000) });
    expectRefused(result, 'too_many_tags', 'at most 64');
    expect(chatRequests(stack.primary)).toHaveLength(0);
  });

  it('accepts 64 small tags and refuses 65', async () => {
    expect((await postJson(chatURL(), { ...ask, metadata: tags(64) })).status).toBe(200);
    expectRefused(await postJson(chatURL(), { ...ask, metadata: tags(65) }), 'too_many_tags', '65');
  });

  it('refuses tags over 4 KiB in total (keys and values, UTF-8 bytes)', async () => {
    const big = { t0: 'x'.repeat(4096) };
    expectRefused(await postJson(chatURL(), { ...ask, metadata: big }), 'tags_too_large', '4096');
    // Two-byte characters count twice.
    const wide = { a: 'é'.repeat(2048) };
    expectRefused(await postJson(chatURL(), { ...ask, metadata: wide }), 'tags_too_large', '4096');
    const fits = { a: 'x'.repeat(4095) };
    expect((await postJson(chatURL(), { ...ask, metadata: fits })).status).toBe(200);
  });
});

describe('metadata tag limits, configured', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { limits: { maxTags: 2, maxTagBytes: 32 } } });
  });
  afterAll(() => stack.close());
  const chatURL = () => `${stack.url}/v1/chat/completions`;

  it('applies server.limits.maxTags and maxTagBytes', async () => {
    expect((await postJson(chatURL(), { ...ask, metadata: tags(2) })).status).toBe(200);
    expectRefused(await postJson(chatURL(), { ...ask, metadata: tags(3) }), 'too_many_tags', '2');
    const long = { team: 'y'.repeat(40) };
    expectRefused(await postJson(chatURL(), { ...ask, metadata: long }), 'tags_too_large', '32');
  });

  it('reads both from the config and validates them', () => {
    const base = { providers: [{ id: 'local', type: 'ollama' }] };
    const config = validateConfig(
      { ...base, server: { limits: { maxTags: 8, maxTagBytes: 1024 } } },
      'loom.json',
    );
    expect(gatewayServerOptions(config).limits).toEqual({ maxTags: 8, maxTagBytes: 1024 });
    expect(() =>
      validateConfig({ ...base, server: { limits: { maxTags: 0 } } }, 'loom.json'),
    ).toThrow(/server\.limits\.maxTags/);
  });
});
