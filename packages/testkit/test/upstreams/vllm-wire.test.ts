import { afterEach, describe, expect, it } from 'vitest';
import { startVllmServer, type VllmUpstream } from '../../src/upstreams/start-vllm-server.js';
import { dig, eventually, postJson, simulate, sseData } from './http.js';

const model = 'meta-llama/Llama-3.1-8B-Instruct';
let upstream: VllmUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function start(options: Parameters<typeof startVllmServer>[0] = {}) {
  upstream = await startVllmServer(options);
  return upstream;
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
});

/** The value of one metric line, e.g. `vllm:num_requests_waiting{model_name="m"} 3`. */
function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('vLLM simulator wire', () => {
  it('answers chat completions with vLLM fields', async () => {
    const server = await start();
    const body: unknown = await (
      await postJson(`${server.baseURL}/chat/completions`, chat('hi there'))
    ).json();
    expect(dig(body, 'choices', 0)).toMatchObject({
      message: { role: 'assistant', content: 'hi there', tool_calls: [], reasoning_content: null },
      finish_reason: 'stop',
      stop_reason: null,
    });
    expect(dig(body, 'usage')).toEqual({
      prompt_tokens: 3,
      total_tokens: 6,
      completion_tokens: 3,
      prompt_tokens_details: null,
    });
  });

  it('streams without usage:null on chunks and ends an in-band error with [DONE]', async () => {
    const server = await start();
    const url = `${server.baseURL}/chat/completions`;
    const streamed = sseData(
      await (
        await postJson(url, chat('a b', { stream: true, stream_options: { include_usage: true } }))
      ).text(),
    );
    expect(streamed.slice(0, -2).every((chunk) => !('usage' in (chunk as object)))).toBe(true);
    expect(dig(streamed.at(-2), 'usage', 'prompt_tokens')).toBe(3);
    const broken = sseData(
      await (
        await postJson(
          url,
          chat('a b', { stream: true }),
          simulate({ type: 'in-band-error', afterChunks: 1, message: 'dead' }),
        )
      ).text(),
    );
    expect(broken.slice(-2)).toEqual([
      { error: { message: 'dead', type: 'InternalServerError', param: null, code: 500 } },
      '[DONE]',
    ]);
  });

  it('answers errors with integer codes, or the legacy form, and vLLM 401 and 404 bodies', async () => {
    const server = await start({ apiKey: 'token-abc' });
    const auth = { authorization: 'Bearer token-abc' };
    const missing = await postJson(
      `${server.baseURL}/chat/completions`,
      chat('x', { model: 'nope' }),
      auth,
    );
    expect(await missing.json()).toEqual({
      error: {
        message: 'The model `nope` does not exist.',
        type: 'NotFoundError',
        param: null,
        code: 404,
      },
    });
    const noKey = await postJson(`${server.baseURL}/chat/completions`, chat('x'));
    expect([noKey.status, await noKey.json()]).toEqual([401, { error: 'Unauthorized' }]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const nowhere = await fetch(`${server.url}/nowhere`);
    expect(await nowhere.json()).toEqual({ detail: 'Not Found' });
    const legacy = await startVllmServer({ legacyErrors: true });
    try {
      const response = await postJson(
        `${legacy.baseURL}/chat/completions`,
        chat('x'),
        simulate({ type: 'status', status: 400 }),
      );
      expect(await response.json()).toMatchObject({
        object: 'error',
        type: 'BadRequestError',
        code: 400,
      });
    } finally {
      await legacy.close();
    }
  });

  it('answers /health 200 with an empty body, 503 when unhealthy or faulted', async () => {
    const server = await start();
    const ok = await fetch(`${server.url}/health`);
    expect([ok.status, await ok.text()]).toEqual([200, '']);
    server.setHealthy(false);
    expect((await fetch(`${server.url}/health`)).status).toBe(503);
    server.setHealthy(true);
    server.inject({ fault: { type: 'status', status: 503 }, path: '/health', times: 1 });
    const faulted = await fetch(`${server.url}/health`);
    expect([faulted.status, await faulted.text()]).toEqual([503, '']);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('serves Prometheus metrics with load, in-flight requests, tokens and histograms', async () => {
    const server = await start({ load: { waiting: 2, kvCacheUsage: 0.25 } });
    const read = async () => (await fetch(`${server.url}/metrics`)).text();
    const first = await read();
    expect(first).toContain('# TYPE vllm:num_requests_running gauge');
    expect(first).toContain(`vllm:num_requests_waiting{model_name="${model}",engine="0"} 2`);
    expect(metric(first, 'vllm:kv_cache_usage_perc')).toBe(0.25);
    server.setLoad({ running: 4 });
    expect(metric(await read(), 'vllm:num_requests_running')).toBe(4);
    const url = `${server.baseURL}/chat/completions`;
    const hung = fetch(url, {
      method: 'POST',
      body: JSON.stringify(chat('a b', { stream: true })),
      headers: simulate({ type: 'stall', afterChunks: 1 }),
    });
    const stalled = await hung;
    expect(await eventually(() => server.requests.length === 3)).toBe(true);
    expect(metric(await read(), 'vllm:num_requests_running')).toBe(5);
    await stalled.body?.cancel();
    await (await postJson(url, chat('one two three'))).json();
    const after = await read();
    expect(metric(after, 'vllm:num_requests_running')).toBe(4);
    expect(metric(after, 'vllm:prompt_tokens_total')).toBe(4);
    expect(metric(after, 'vllm:generation_tokens_total')).toBe(4);
    expect(after).toContain(
      `vllm:request_success_total{model_name="${model}",engine="0",finished_reason="stop"} 1`,
    );
    expect(after).toContain('# TYPE vllm:time_to_first_token_seconds histogram');
    expect(after).toContain('# TYPE vllm:e2e_request_latency_seconds histogram');
    expect(after).toContain('# TYPE vllm:inter_token_latency_seconds histogram');
    expect(metric(after, 'vllm:e2e_request_latency_seconds_count')).toBe(1);
  });
});
