import { startOpenAIServer } from '@loom/testkit';
import { describe, expect, it } from 'vitest';
import { builtInPrompt, createHttpTarget, runBenchCli, runBenchmark } from '../src/index.js';
import { captureIo } from './helpers.js';

const prompts = [builtInPrompt('short')];

describe('errors by class', () => {
  it('counts HTTP statuses with their error code, resets and timeouts separately', async () => {
    const upstream = await startOpenAIServer();
    upstream.inject({
      fault: {
        type: 'status',
        status: 429,
        body: { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } },
      },
      times: 5,
    });
    upstream.inject({ fault: { type: 'status', status: 503, body: 'busy' }, times: 3 });
    upstream.inject({ fault: { type: 'reset' }, times: 2 });
    upstream.inject({ fault: { type: 'hang' }, times: 1 });
    const target = createHttpTarget({ baseURL: upstream.baseURL, model: 'gpt-4o-mini' });
    try {
      const results = await runBenchmark({
        target,
        scenario: 'chat',
        prompts,
        requests: 40,
        timeoutMs: 300,
      });
      const run = results.runs[0];
      expect(run?.errors).toEqual({
        'http_429:rate_limit_exceeded': 5,
        http_503: 3,
        connection_reset: 2,
        timeout: 1,
      });
      expect(run).toMatchObject({ requests: 40, succeeded: 29, failed: 11 });
      // Failed requests stay out of the latency histogram.
      expect(run?.latencyMs.count).toBe(29);
    } finally {
      await target.close?.();
      await upstream.close();
    }
  });

  it('times out a stream that never answers (the target reads the signal)', async () => {
    const upstream = await startOpenAIServer();
    upstream.inject({ fault: { type: 'hang' }, times: 2 });
    const target = createHttpTarget({ baseURL: upstream.baseURL, model: 'gpt-4o-mini' });
    try {
      const results = await runBenchmark({
        target,
        scenario: 'stream',
        prompts,
        requests: 6,
        concurrency: [2],
        timeoutMs: 200,
      });
      expect(results.runs[0]?.errors).toEqual({ timeout: 2 });
      expect(results.runs[0]?.succeeded).toBe(4);
    } finally {
      await target.close?.();
      await upstream.close();
    }
  });

  it('tells broken streams apart: cut, in-band error, malformed chunk', async () => {
    const upstream = await startOpenAIServer();
    upstream.inject({ fault: { type: 'cut', afterChunks: 1 }, times: 2 });
    upstream.inject({ fault: { type: 'in-band-error', afterChunks: 1 }, times: 2 });
    upstream.inject({ fault: { type: 'malformed', afterChunks: 1 }, times: 2 });
    const target = createHttpTarget({ baseURL: upstream.baseURL, model: 'gpt-4o-mini' });
    try {
      const results = await runBenchmark({ target, scenario: 'stream', prompts, requests: 20 });
      expect(results.runs[0]?.errors).toEqual({
        stream_cut: 2,
        stream_error: 2,
        malformed_chunk: 2,
      });
      expect(results.runs[0]?.succeeded).toBe(14);
    } finally {
      await target.close?.();
      await upstream.close();
    }
  });

  it('exits 2 when every request failed, with the classes in the table', async () => {
    const upstream = await startOpenAIServer({ apiKey: 'sk-right-key' });
    try {
      const io = captureIo();
      const code = await runBenchCli(
        [
          '--url',
          upstream.baseURL,
          '--model',
          'gpt-4o-mini',
          '--api-key',
          'sk-wrong-key',
          '--requests',
          '5',
          '--warmup',
          '0',
        ],
        io,
      );
      expect(code).toBe(2);
      expect(io.out()).toMatch(/http_401/);
      expect(io.err()).toContain('every request failed');
    } finally {
      await upstream.close();
    }
  });
});
