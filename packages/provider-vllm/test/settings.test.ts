import { ConfigError } from '@loom/core';
import { startVllmServer, type VllmUpstream } from '@loom/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVllm, type VllmSettings } from '../src/index.js';
import { ask, callContext } from './helpers.js';

let upstream: VllmUpstream;

beforeAll(async () => {
  upstream = await startVllmServer();
});

afterEach(() => {
  vi.unstubAllEnvs();
  upstream.clearRequests();
});

afterAll(() => upstream.close());

function configErrorOf(settings: unknown): ConfigError {
  try {
    createVllm(settings as VllmSettings);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('createVllm settings', () => {
  it('defaults to a local server, id vllm, a 1 s load cache', () => {
    vi.stubEnv('VLLM_BASE_URL', '');
    const provider = createVllm();
    expect(provider).toMatchObject({
      id: 'vllm',
      type: 'vllm',
      server: { address: '127.0.0.1', port: 8000 },
    });
    expect(provider.settings).toMatchObject({
      baseURL: 'http://127.0.0.1:8000',
      loadCacheMs: 1000,
    });
    expect(Object.isFrozen(provider.settings)).toBe(true);
    expect(typeof provider.doLoad).toBe('function');
  });

  it('accepts and strips a trailing /v1', () => {
    expect(createVllm({ baseURL: 'http://gpu-1:8000/v1/' }).settings.baseURL).toBe(
      'http://gpu-1:8000',
    );
  });

  it('reads VLLM_BASE_URL, and names it in errors', () => {
    vi.stubEnv('VLLM_BASE_URL', 'http://10.0.0.5:9000');
    expect(createVllm().settings.baseURL).toBe('http://10.0.0.5:9000');
    vi.stubEnv('VLLM_BASE_URL', 'nope');
    expect(configErrorOf(undefined).message).toContain('baseURL (or VLLM_BASE_URL)');
    vi.unstubAllEnvs();
    expect(configErrorOf({ apiKey: 1 }).message).toContain('apiKey (or VLLM_API_KEY)');
    expect(configErrorOf({ loadCacheMs: -5 }).path).toBe('loadCacheMs');
    expect(configErrorOf({ organization: 'x' }).message).toMatch(/organization|unrecognized/i);
  });

  it('reads VLLM_API_KEY lazily and sends it', async () => {
    const provider = createVllm({ baseURL: upstream.url });
    vi.stubEnv('VLLM_API_KEY', 'vllm-key-1');
    await provider.doChat(ask('hi'), callContext());
    await provider.close?.();
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer vllm-key-1');
  });

  it('sends vLLM sampling options from providerOptions.vllm and max_tokens', async () => {
    const provider = createVllm({ baseURL: upstream.url });
    await provider.doChat(
      {
        ...ask('hi'),
        maxTokens: 20,
        providerOptions: {
          vllm: { top_k: 40, repetition_penalty: 1.1, not_an_option: 1 },
          openai: { top_k: 99 },
        },
      },
      callContext(),
    );
    await provider.close?.();
    expect(upstream.requests[0]?.body).toStrictEqual({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 20,
      top_k: 40,
      repetition_penalty: 1.1,
    });
  });
});

describe('doLoad caching', () => {
  it('reuses a reading within loadCacheMs and shares one scrape among concurrent callers', async () => {
    const provider = createVllm({ baseURL: upstream.url, loadCacheMs: 60_000 });
    const signal = AbortSignal.timeout(5_000);
    upstream.setLoad({ running: 1, waiting: 2, kvCacheUsage: 0.1 });
    const readings = await Promise.all([1, 2, 3].map(() => provider.doLoad!({ signal })));
    upstream.setLoad({ running: 9, waiting: 9, kvCacheUsage: 0.9 });
    const cached = await provider.doLoad!({ signal });
    await provider.close?.();
    expect(readings.every((reading) => reading.waiting === 2)).toBe(true);
    expect(cached.waiting).toBe(2);
    expect(upstream.requests.filter((request) => request.path === '/metrics')).toHaveLength(1);
  });

  it('scrapes again once the cache expired', async () => {
    const provider = createVllm({ baseURL: upstream.url, loadCacheMs: 50 });
    const signal = AbortSignal.timeout(5_000);
    upstream.setLoad({ waiting: 4 });
    expect((await provider.doLoad!({ signal })).waiting).toBe(4);
    upstream.setLoad({ waiting: 5 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await provider.doLoad!({ signal })).waiting).toBe(5);
    await provider.close?.();
  });

  it('rejects with a LoomError when /metrics fails, and caches no failure', async () => {
    const provider = createVllm({ baseURL: upstream.url, loadCacheMs: 60_000 });
    const signal = AbortSignal.timeout(5_000);
    upstream.inject({ fault: { type: 'status', status: 500 }, path: '/metrics', times: 1 });
    await expect(provider.doLoad!({ signal })).rejects.toMatchObject({ code: 'provider_error' });
    upstream.setLoad({ waiting: 3 });
    expect((await provider.doLoad!({ signal })).waiting).toBe(3);
    await provider.close?.();
  });

  it("rejects with the caller's abort reason", async () => {
    const provider = createVllm({ baseURL: upstream.url, loadCacheMs: 0 });
    upstream.inject({ fault: { type: 'delay', ms: 2_000 }, path: '/metrics', times: 1 });
    const controller = new AbortController();
    const reason = new Error('router gave up');
    const pending = provider.doLoad!({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
    await provider.close?.();
  });
});
