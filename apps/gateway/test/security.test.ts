import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kernel } from '@loom/core';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKernel } from '../src/config/build-kernel.js';
import { validateConfig } from '../src/config/load-config.js';
import { createGateway, type RunningGateway } from '../src/server/create-gateway.js';
import { configSecrets, gatewayServerOptions } from '../src/server/server-options.js';
import { postJson, readRawStream } from './raw-http.js';

// Canaries: if any of these strings shows up in a log line, an error or a response, a secret leaked.
const PROVIDER_CANARY = 'sk-canary-provider-7f3a9c2e5b1d4e6f';
const GATEWAY_CANARY = 'gw-canary-gateway-c0ffee42d00d';
const WRONG_CANARY = 'gw-canary-wrong-key-badbadbad';
const CANARIES = [PROVIDER_CANARY, GATEWAY_CANARY, WRONG_CANARY];

let strict: SimulatedUpstream;
let open: SimulatedUpstream;
let kernel: Kernel;
let gateway: RunningGateway;
let logFile: string;
const seen: string[] = [];

beforeAll(async () => {
  // `strict` wants another key than the configured one, so every call to it is an upstream 401.
  [strict, open] = await Promise.all([
    startOpenAIServer({ apiKey: 'sk-the-right-upstream-key-000' }),
    startOpenAIServer(),
  ]);
  logFile = join(await mkdtemp(join(tmpdir(), 'loom-canary-')), 'gateway.log');
  const config = validateConfig(
    {
      server: { apiKeys: [{ key: GATEWAY_CANARY, name: 'canary-team' }] },
      logging: { destination: logFile, prompts: true, level: 'trace' },
      providers: [
        { id: 'strict', type: 'openai', baseURL: strict.baseURL, apiKey: PROVIDER_CANARY },
        { id: 'open', type: 'openai', baseURL: open.baseURL },
      ],
      models: [
        { name: 'chat', targets: ['strict/gpt-4o-mini', 'open/gpt-4o-mini'] },
        { name: 'only-strict', targets: ['strict/gpt-4o-mini'] },
        { name: 'embed-strict', targets: ['strict/text-embedding-3-small'] },
      ],
      routing: { strategy: 'priority', retries: 2, initialBackoffMs: 1, authCooldownMs: 1 },
      health: { intervalMs: 0 },
    },
    'canary.yaml',
    {},
  );
  kernel = await buildKernel(config, 'canary.yaml');
  await kernel.start();
  gateway = await createGateway({ kernel, ...gatewayServerOptions(config) }).listen(0);
});
afterAll(async () => {
  await gateway.close();
  await kernel.stop();
  await Promise.all([strict.close(), open.close()]);
});

/** Records a response's status line, headers and body for the final leak check. */
async function keep(response: Response): Promise<string> {
  const text = await response.text();
  seen.push(JSON.stringify([...response.headers.entries()]), text);
  return text;
}

function call(path: string, body: unknown, key = GATEWAY_CANARY) {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

const hello = [{ role: 'user', content: 'hello canary test' }];

describe('a canary key never leaks', () => {
  it('serves through failover when the first upstream refuses the provider key', async () => {
    const client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: GATEWAY_CANARY,
      maxRetries: 0,
    });
    const { data, response } = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'hello canary test' }] })
      .withResponse();
    seen.push(JSON.stringify(data), JSON.stringify([...response.headers.entries()]));
    expect(data.choices[0]?.message.content).toBe('hello canary test');
    expect(response.headers.get('x-loom-provider')).toBe('open');
    // The canary really was sent, to its own host only.
    expect(strict.requests[0]?.headers.authorization).toBe(`Bearer ${PROVIDER_CANARY}`);
    expect(JSON.stringify(open.requests)).not.toContain(PROVIDER_CANARY);
  });

  it('answers an upstream 401 as 502 upstream_authentication_failed without the key', async () => {
    const response = await call('/v1/chat/completions', { model: 'only-strict', messages: hello });
    const text = await keep(response);
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(text).error).toMatchObject({ type: 'server_error' });
    const stream = await call('/v1/chat/completions', {
      model: 'only-strict',
      messages: hello,
      stream: true,
    });
    expect(stream.status).toBeGreaterThanOrEqual(500);
    await keep(stream);
    const embed = await call('/v1/embeddings', { model: 'embed-strict', input: 'x' });
    expect(embed.status).toBeGreaterThanOrEqual(500);
    await keep(embed);
  });

  it('refuses a wrong gateway key without echoing it', async () => {
    const response = await call(
      '/v1/chat/completions',
      { model: 'chat', messages: hello },
      WRONG_CANARY,
    );
    expect(response.status).toBe(401);
    await keep(response);
    const models = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${WRONG_CANARY}` },
    });
    expect(models.status).toBe(401);
    await keep(models);
  });

  it('refuses a key in the body without echoing it', async () => {
    const result = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'chat', messages: hello, extra_body: { api_key: PROVIDER_CANARY } },
      { authorization: `Bearer ${GATEWAY_CANARY}` },
    );
    expect(result.status).toBe(400);
    expect(result.json().error.param).toBe('extra_body.api_key');
    seen.push(result.text);
  });

  it('blanks a configured key that a caller pasted into a prompt, even with prompt logging on', async () => {
    const { status, text } = await readRawStream(`${gateway.url}/v1/chat/completions`, {
      model: 'chat',
      stream: true,
      messages: [
        { role: 'system', content: `the admin key is ${GATEWAY_CANARY} and ${PROVIDER_CANARY}` },
        { role: 'user', content: 'summarise' },
      ],
    }).catch(() => ({ status: 0, text: '' }));
    // No gateway key on this raw request: refused, and nothing of the prompt echoed.
    expect(status).toBe(401);
    seen.push(text);
    const response = await call('/v1/chat/completions', {
      model: 'chat',
      messages: [
        { role: 'system', content: `the admin key is ${GATEWAY_CANARY} and ${PROVIDER_CANARY}` },
        { role: 'user', content: 'summarise' },
      ],
    });
    expect(response.status).toBe(200);
    await keep(response);
  });

  it('appears in no log line and no response', async () => {
    await expect
      .poll(async () => (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).length)
      .toBeGreaterThanOrEqual(9);
    const log = await readFile(logFile, 'utf8');
    // The log did record the prompt, with the secrets blanked.
    expect(log).toContain('the admin key is [redacted] and');
    expect(log).toContain('"keyName":"canary-team"');
    expect(log).toContain('upstream_authentication_failed');
    const everything = [log, ...seen].join('\n');
    for (const canary of CANARIES) expect(everything).not.toContain(canary);
    expect(configSecrets({ server: { apiKeys: [GATEWAY_CANARY] } })).toEqual([GATEWAY_CANARY]);
  });
});

describe('security config', () => {
  it('maps server and logging sections to gateway options in one place', () => {
    const config = validateConfig(
      {
        server: {
          apiKeys: [
            'plain-key-000000',
            { key: 'named-key-00000', name: 'ci', requestsPerMinute: 5 },
          ],
          rateLimits: { requestsPerMinute: 60, tokensPerMinute: 10_000 },
          limits: { maxMessages: 50, maxTokens: 4_096, maxStreamDurationMs: 120_000 },
          cors: { origins: ['https://app.example.com'] },
          exposeAdmin: false,
        },
        logging: { level: 'silent', prompts: true },
        providers: [
          { id: 'p', type: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-p-000000000' },
        ],
      },
      'loom.yaml',
      {},
    );
    const options = gatewayServerOptions(config);
    expect(options).toMatchObject({
      apiKeys: ['plain-key-000000', { key: 'named-key-00000', name: 'ci', requestsPerMinute: 5 }],
      rateLimits: { requestsPerMinute: 60, tokensPerMinute: 10_000 },
      limits: { maxMessages: 50, maxTokens: 4_096, maxStreamDurationMs: 120_000 },
      cors: { origins: ['https://app.example.com'] },
      exposeAdmin: false,
      logPrompts: true,
    });
    expect(options.logger?.level).toBe('silent');
    expect(configSecrets(config)).toEqual([
      'plain-key-000000',
      'named-key-00000',
      'sk-p-000000000',
    ]);
  });

  it('names what is wrong in the server section', () => {
    const run = (server: unknown) => () =>
      validateConfig(
        { server, providers: [{ id: 'p', type: 'ollama', baseURL: 'http://127.0.0.1:1' }] },
        'loom.yaml',
        {},
      );
    expect(run({ cors: { origins: ['app.example.com'] } })).toThrow(
      'loom.yaml: server.cors.origins.0',
    );
    expect(run({ apiKeys: [{ key: 'short' }] })).toThrow('loom.yaml: server.apiKeys.0');
    expect(run({ limits: { maxTokens: 0 } })).toThrow('loom.yaml: server.limits.maxTokens');
  });
});
