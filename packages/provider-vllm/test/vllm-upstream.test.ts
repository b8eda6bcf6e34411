import { ModelNotFoundError, ProviderCallError } from '@loom/core';
import { startVllmServer, type VllmUpstream } from '@loom/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVllm, type VllmProvider } from '../src/index.js';
import { ask, CHAT_MODEL, callContext, collect, EMBEDDING_MODEL, rejectionOf } from './helpers.js';

let upstream: VllmUpstream;
let provider: VllmProvider;

beforeAll(async () => {
  upstream = await startVllmServer();
  provider = createVllm({ baseURL: upstream.url, loadCacheMs: 0 });
});

afterEach(() => {
  upstream.clearFaults();
  upstream.setHealthy(true);
});

afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});

describe('createVllm against the simulated vLLM server', () => {
  it('identifies as type vllm with the server origin', () => {
    expect(provider).toMatchObject({ id: 'vllm', type: 'vllm', server: { address: '127.0.0.1' } });
  });

  it('chats through /v1/chat/completions', async () => {
    upstream.clearRequests();
    const response = await provider.doChat(ask('hello vllm'), callContext());
    expect(response.message.content).toBe('hello vllm');
    expect(response.usage).toMatchObject({ estimated: false });
    expect(upstream.requests[0]?.path).toBe('/v1/chat/completions');
  });

  it('streams with usage and one final finish', async () => {
    const parts = await collect(provider, ask('streaming from vllm'));
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(1);
    expect(parts.some((part) => part.type === 'usage')).toBe(true);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('embeds', async () => {
    const response = await provider.doEmbed!(
      { model: EMBEDDING_MODEL, input: ['a', 'b'] },
      callContext(),
    );
    expect(response.embeddings).toHaveLength(2);
    expect(response.embeddings[0]).toHaveLength(384);
  });

  it('lists models with their context window (max_model_len)', async () => {
    const models = await provider.doListModels({ signal: AbortSignal.timeout(5_000) });
    expect(models.find((model) => model.id === CHAT_MODEL)).toMatchObject({
      contextWindow: 8192,
      capabilities: { chat: true, streaming: true },
    });
    expect(models.find((model) => model.id === EMBEDDING_MODEL)?.capabilities).toEqual({
      embeddings: true,
    });
  });

  it('reports health from /health: up, then down on 503', async () => {
    expect(await provider.doHealth!({ signal: AbortSignal.timeout(5_000) })).toMatchObject({
      status: 'up',
    });
    upstream.setHealthy(false);
    const down = await provider.doHealth!({ signal: AbortSignal.timeout(5_000) });
    expect(down.status).toBe('down');
    expect(down.message).toContain('503');
    expect(upstream.requests.at(-1)?.path).toBe('/health');
  });

  it('reports health unknown (degraded), not down, when a proxy has no /health (404 / 405 / 501)', async () => {
    for (const status of [404, 405, 501]) {
      upstream.inject({ fault: { type: 'status', status }, path: '/health', times: 1 });
      const report = await provider.doHealth!({ signal: AbortSignal.timeout(5_000) });
      expect(report.status, String(status)).toBe('degraded');
      expect(report.message).toContain(`answered ${status}`);
    }
  });

  it('reports health down when the server is gone', async () => {
    const gone = await startVllmServer();
    const url = gone.url;
    await gone.close();
    const orphan = createVllm({ baseURL: url });
    const report = await orphan.doHealth!({ signal: AbortSignal.timeout(5_000) });
    await orphan.close?.();
    expect(report.status).toBe('down');
    expect(report.message).toMatch(/reach|ECONNREFUSED/);
  });

  it('reads the load signal from /metrics, following setLoad', async () => {
    upstream.setLoad({ running: 3, waiting: 7, kvCacheUsage: 0.42 });
    const first = await provider.doLoad!({ signal: AbortSignal.timeout(5_000) });
    expect(first).toMatchObject({ running: 3, waiting: 7, kvCacheUsage: 0.42 });
    expect(first.observedAt).toBeGreaterThan(0);
    upstream.setLoad({ running: 0, waiting: 1, kvCacheUsage: 0.05 });
    const second = await provider.doLoad!({ signal: AbortSignal.timeout(5_000) });
    expect(second).toMatchObject({ running: 0, waiting: 1, kvCacheUsage: 0.05 });
  });

  it('maps integer error codes by status', async () => {
    upstream.inject({ fault: { type: 'status', status: 400 }, times: 1 });
    const bad = await rejectionOf(provider.doChat(ask('x'), callContext()));
    expect(ProviderCallError.isInstance(bad)).toBe(true);
    expect(bad).toMatchObject({ code: 'bad_request', isRetryable: false, upstreamCode: '400' });
    upstream.inject({ fault: { type: 'status', status: 503 }, times: 1 });
    expect(await rejectionOf(provider.doChat(ask('x'), callContext()))).toMatchObject({
      code: 'provider_unavailable',
      isRetryable: true,
    });
  });

  it('maps an unknown model to ModelNotFoundError', async () => {
    const error = await rejectionOf(provider.doChat(ask('x', 'no/such-model'), callContext()));
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'vllm' });
  });

  it('maps a context-length refusal', async () => {
    const body = {
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    };
    upstream.inject({ fault: { type: 'status', status: 400, body }, times: 1 });
    expect(await rejectionOf(provider.doChat(ask('x'), callContext()))).toMatchObject({
      code: 'context_length_exceeded',
      isRetryable: false,
    });
  });

  it('maps in-band stream errors', async () => {
    upstream.inject({
      fault: { type: 'in-band-error', afterChunks: 1, message: 'engine died' },
      times: 1,
    });
    const error = await rejectionOf(collect(provider, ask('one two three four')));
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('engine died');
    expect(error).toMatchObject({ isRetryable: true });
  });
});

describe('vLLM legacy error bodies', () => {
  it('reads the top-level {"object":"error"} form', async () => {
    const legacy = await startVllmServer({ legacyErrors: true });
    const client = createVllm({ baseURL: `${legacy.baseURL}` });
    try {
      const missing = await rejectionOf(client.doChat(ask('x', 'missing/model'), callContext()));
      expect(ModelNotFoundError.isInstance(missing)).toBe(true);
      legacy.inject({ fault: { type: 'status', status: 429 }, times: 1 });
      const limited = await rejectionOf(client.doChat(ask('x'), callContext()));
      expect(limited).toMatchObject({ code: 'rate_limited', upstreamCode: '429' });
      expect((limited as Error).message).toContain('Too Many Requests');
    } finally {
      await client.close?.();
      await legacy.close();
    }
  });

  it('reads vLLM\'s {"error":"Unauthorized"} for a wrong key', async () => {
    const keyed = await startVllmServer({ apiKey: 'vllm-secret-key' });
    const client = createVllm({ baseURL: keyed.url, apiKey: 'wrong-key-value' });
    try {
      const error = await rejectionOf(client.doChat(ask('x'), callContext()));
      expect(error).toMatchObject({ code: 'authentication_failed', statusCode: 401 });
      expect((error as Error).message).toContain('Unauthorized');
    } finally {
      await client.close?.();
      await keyed.close();
    }
  });
});
