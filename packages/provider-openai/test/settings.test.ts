import { ConfigError } from '@loom/core';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOpenAI, lmStudio, type OpenAISettings } from '../src/index.js';
import { ask, callContext, rejectionOf } from './helpers.js';

let upstream: SimulatedUpstream;

beforeAll(async () => {
  upstream = await startOpenAIServer();
});

afterEach(() => {
  vi.unstubAllEnvs();
  upstream.clearRequests();
});

afterAll(() => upstream.close());

function configErrorOf(settings: unknown): ConfigError {
  try {
    createOpenAI(settings as OpenAISettings);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('createOpenAI settings', () => {
  it('has sensible defaults and no side effects', () => {
    vi.stubEnv('OPENAI_BASE_URL', '');
    const provider = createOpenAI();
    expect(provider).toMatchObject({
      specificationVersion: 'v1',
      id: 'openai',
      type: 'openai',
      server: { address: 'api.openai.com', port: 443 },
    });
    expect(provider.settings).toMatchObject({
      baseURL: 'https://api.openai.com/v1',
      connections: 64,
      headersTimeoutMs: 60_000,
      bodyTimeoutMs: 30_000,
      maxTokensField: 'max_completion_tokens',
    });
    expect(Object.isFrozen(provider.settings)).toBe(true);
  });

  it('names the option and its environment variable in errors', () => {
    expect(configErrorOf({ baseURL: 'ftp://example.com' }).message).toContain(
      'baseURL (or OPENAI_BASE_URL)',
    );
    expect(configErrorOf({ apiKey: 42 }).message).toContain('apiKey (or OPENAI_API_KEY)');
    expect(configErrorOf({ connections: 0 }).path).toBe('connections');
    expect(configErrorOf({ headersTimeoutMs: -1 }).path).toBe('headersTimeoutMs');
    expect(configErrorOf({ baseUrl: 'http://x' }).message).toMatch(/baseUrl|unrecognized/i);
    expect(configErrorOf({ baseURL: 'http://user:pass@example.com/v1' }).message).toContain(
      'credentials',
    );
  });

  it('reads OPENAI_BASE_URL when baseURL is omitted, and validates it', () => {
    vi.stubEnv('OPENAI_BASE_URL', 'http://127.0.0.1:9999/v1/');
    expect(createOpenAI().settings.baseURL).toBe('http://127.0.0.1:9999/v1');
    vi.stubEnv('OPENAI_BASE_URL', 'not a url');
    expect(configErrorOf(undefined).message).toContain('baseURL (or OPENAI_BASE_URL)');
  });

  it('keeps the key out of its visible settings', () => {
    const provider = createOpenAI({ apiKey: 'sk-secret-value-123', headers: { 'api-key': 'x' } });
    expect(JSON.stringify(provider.settings)).not.toContain('sk-secret-value-123');
    expect(provider.settings).not.toHaveProperty('apiKey');
  });

  it('reads OPENAI_API_KEY lazily, at call time', async () => {
    const provider = createOpenAI({ baseURL: upstream.baseURL });
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env-1');
    await provider.doChat(ask('hi'), callContext());
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env-2');
    await provider.doChat(ask('hi'), callContext());
    await provider.close?.();
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer sk-from-env-1',
      'Bearer sk-from-env-2',
    ]);
  });

  it('calls a key function per request, so keys can rotate', async () => {
    let turn = 0;
    const provider = createOpenAI({
      baseURL: upstream.baseURL,
      apiKey: async () => `sk-rotating-${++turn}`,
    });
    await provider.doChat(ask('hi'), callContext());
    await provider.doChat(ask('hi'), callContext());
    await provider.close?.();
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer sk-rotating-1',
      'Bearer sk-rotating-2',
    ]);
  });

  it('sends no Authorization header to a compatible server without a key', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    const provider = createOpenAI({ baseURL: upstream.baseURL });
    await provider.doChat(ask('hi'), callContext());
    await provider.close?.();
    expect(upstream.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('fails a call to api.openai.com without a key with a ConfigError, before any request', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', '');
    const provider = createOpenAI();
    const error = await rejectionOf(provider.doChat(ask('hi'), callContext()));
    await provider.close?.();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('apiKey (or OPENAI_API_KEY)');
  });
});

describe('lmStudio preset', () => {
  it('points at LM Studio with id lmstudio and type openai', () => {
    const provider = lmStudio();
    expect(provider).toMatchObject({
      id: 'lmstudio',
      type: 'openai',
      server: { address: '127.0.0.1', port: 1234 },
    });
    expect(provider.settings).toMatchObject({
      baseURL: 'http://127.0.0.1:1234/v1',
      maxTokensField: 'max_tokens',
    });
  });

  it('never sends OPENAI_API_KEY to a local server', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-must-not-leak');
    const provider = lmStudio({ baseURL: upstream.baseURL });
    await provider.doChat(ask('hi'), callContext());
    await provider.close?.();
    expect(upstream.requests[0]?.headers.authorization).toBeUndefined();
  });
});
