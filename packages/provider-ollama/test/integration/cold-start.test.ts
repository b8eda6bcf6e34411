import { TimeoutError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { callContext, chatRequest, readAll, rejection, setup } from '../helpers/harness.js';

const limits = { headersTimeoutMs: 500, coldStartTimeoutMs: 10_000 };
const healthSignal = () => ({ signal: AbortSignal.timeout(5_000) });

function loadMs(metadata: unknown): number {
  return (metadata as { ollama: { loadDurationMs: number } }).ollama.loadDurationMs;
}

describe('cold starts', () => {
  it('a model /api/ps shows unloaded gets coldStartTimeoutMs instead of headersTimeoutMs', async () => {
    const { server, provider } = await setup({ coldStartMs: 1_500 }, limits);
    const report = await provider.doHealth(healthSignal());
    expect(report.models).toEqual([]);
    const response = await provider.doChat(chatRequest('wake up'), callContext());
    expect(response.message.content).toBe('wake up');
    expect(response.providerMetadata?.ollama).toMatchObject({ coldStart: true });
    expect(loadMs(response.providerMetadata)).toBeGreaterThan(1_000);
    // The limit came from the reading: no request besides the health check and the chat.
    expect(server.requests.map((request) => request.path)).toEqual([
      '/api/version',
      '/api/ps',
      '/api/chat',
    ]);
  });

  it('streams and embeddings of a cold model wait for the load too', async () => {
    const { provider } = await setup({ coldStartMs: 1_500 }, limits);
    await provider.doListModels(healthSignal());
    const parts = await readAll(provider, chatRequest('cold stream'));
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      providerMetadata: { ollama: { coldStart: true } },
    });
    const embedded = await provider.doEmbed(
      { model: 'nomic-embed-text', input: ['x'] },
      callContext(),
    );
    expect(embedded.embeddings).toHaveLength(1);
  });

  it('a loaded model that hangs times out at headersTimeoutMs, not the cold-start limit', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'], coldStartMs: 1_500 }, limits);
    await provider.doHealth(healthSignal());
    server.inject({ fault: { type: 'hang' }, path: '/api/chat' });
    const started = Date.now();
    const error = await rejection(provider.doChat(chatRequest(), callContext()));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ phase: 'attempt', timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('after a cold start the model counts as loaded: a hang then times out at headersTimeoutMs', async () => {
    const { server, provider } = await setup({ coldStartMs: 800 }, limits);
    await provider.doHealth(healthSignal());
    await provider.doChat(chatRequest('warm up'), callContext());
    server.inject({ fault: { type: 'hang' }, path: '/api/chat' });
    const started = Date.now();
    const error = await rejection(readAll(provider, chatRequest()));
    expect(error).toMatchObject({ code: 'timeout', phase: 'first-chunk', timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a load longer than coldStartTimeoutMs still times out, reporting the cold limit', async () => {
    const { provider } = await setup(
      { coldStartMs: 3_000 },
      { headersTimeoutMs: 300, coldStartTimeoutMs: 1_000 },
    );
    await provider.doHealth(healthSignal());
    const started = Date.now();
    const error = await rejection(provider.doChat(chatRequest(), callContext()));
    expect(error).toMatchObject({ code: 'timeout', phase: 'attempt', timeoutMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('a fresh reading sees a model unloaded since the last one', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'], coldStartMs: 1_200 }, limits);
    await provider.doHealth(healthSignal());
    server.setLoaded('llama3.2', false);
    await provider.doHealth(healthSignal());
    const response = await provider.doChat(chatRequest('again'), callContext());
    expect(response.providerMetadata?.ollama).toMatchObject({ coldStart: true });
  });

  it('keep_alive 0 unloads the model after the answer, so the next call waits for a load', async () => {
    const { provider } = await setup(
      { loaded: ['llama3.2'], coldStartMs: 1_200 },
      { ...limits, keepAlive: 0 },
    );
    await provider.doHealth(healthSignal());
    await provider.doChat(chatRequest('once'), callContext());
    const response = await provider.doChat(chatRequest('twice'), callContext());
    expect(response.providerMetadata?.ollama).toMatchObject({ coldStart: true });
  });

  it('before any reading the model is not known to be cold: headersTimeoutMs applies', async () => {
    const { provider } = await setup({ coldStartMs: 1_500 }, limits);
    const error = await rejection(provider.doChat(chatRequest(), callContext()));
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 500 });
  });
});
