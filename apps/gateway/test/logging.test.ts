import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/create-logger.js';
import { captureLogs } from './logging-capture.js';
import { postJson, readRawStream } from './raw-http.js';
import { type Stack, startStack } from './start-stack.js';

const KEY = 'logging-key-0123456789';
const sink = captureLogs();
const promptSink = captureLogs();
let stack: Stack;
let withPrompts: Stack;
beforeAll(async () => {
  [stack, withPrompts] = await Promise.all([
    startStack({
      gateway: {
        apiKeys: [{ key: KEY, name: 'team-a' }],
        logger: createLogger({}, { stream: sink }),
      },
    }),
    startStack({
      gateway: { logger: createLogger({}, { stream: promptSink }), logPrompts: true },
    }),
  ]);
});
afterAll(() => Promise.all([stack.close(), withPrompts.close()]));
beforeEach(() => {
  sink.lines.length = 0;
  promptSink.lines.length = 0;
});

const auth = { authorization: `Bearer ${KEY}` };
const question = 'what is the secret recipe';
const chat = { model: 'chat', messages: [{ role: 'user', content: question }] };

/** The access line of a request, once its response has closed. */
async function accessLine(capture: typeof sink, requestId: string | null) {
  await expect
    .poll(() => capture.entries().find((entry) => entry.requestId === requestId))
    .toBeDefined();
  return capture.entries().find((entry) => entry.requestId === requestId) as Record<
    string,
    unknown
  >;
}

describe('access log', () => {
  it('writes one line per request with routing facts, tokens and the key name', async () => {
    const sentAt = Date.now();
    const result = await postJson(`${stack.url}/v1/chat/completions`, chat, auth);
    const usage = JSON.parse(result.text).usage;
    const line = await accessLine(sink, result.headers.get('x-loom-request-id'));
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      service: 'loom-gateway',
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
      keyName: 'team-a',
      requestedModel: 'chat',
      provider: 'primary',
      model: 'gpt-4o-mini',
      attempts: 1,
      cache: 'miss',
      stream: false,
      tokens: {
        input: usage.prompt_tokens,
        output: usage.completion_tokens,
        total: usage.total_tokens,
      },
    });
    expect(typeof line.durationMs).toBe('number');
    // The line's own time, not one formatted for an earlier line.
    expect(Date.parse(line.time as string)).toBeGreaterThanOrEqual(sentAt);
    expect(Date.parse(line.time as string)).toBeLessThanOrEqual(Date.now());
    expect(sink.text()).not.toContain(KEY);
    expect(sink.text()).not.toContain(question);
    expect(line).not.toHaveProperty('prompt');
  });

  it('logs streams with their final usage, and embeddings', async () => {
    const streamed = await readRawStream(`${withPrompts.url}/v1/chat/completions`, {
      ...chat,
      stream: true,
    });
    expect(streamed.status).toBe(200);
    const embed = await postJson(`${withPrompts.url}/v1/embeddings`, {
      model: 'embed',
      input: ['one', 'two'],
    });
    await expect.poll(() => promptSink.lines.length).toBe(2);
    const [streamLine, embedLine] = promptSink.entries();
    expect(streamLine).toMatchObject({
      status: 200,
      stream: true,
      provider: 'primary',
      tokens: { output: expect.any(Number) },
    });
    const streamTokens = streamLine?.tokens as { output: number } | undefined;
    expect(streamTokens?.output ?? 0).toBeGreaterThan(0);
    const embedUsage = JSON.parse(embed.text).usage;
    expect(embedLine).toMatchObject({
      path: '/v1/embeddings',
      requestedModel: 'embed',
      tokens: { input: embedUsage.prompt_tokens },
    });
  });

  it('logs prompts and answers only when prompt logging is on', async () => {
    await postJson(`${withPrompts.url}/v1/chat/completions`, chat);
    await expect.poll(() => promptSink.lines.length).toBe(1);
    expect(promptSink.entries()[0]).toMatchObject({
      prompt: [{ role: 'user', content: question }],
      answer: question,
    });
  });

  it('logs refusals at warn and failures at error with their OpenAI code', async () => {
    const refused = await postJson(`${stack.url}/v1/chat/completions`, chat, {
      authorization: 'Bearer not-the-key-000',
    });
    expect(refused.status).toBe(401);
    stack.primary.inject({ fault: { type: 'status', status: 500 }, path: '/v1/chat/completions' });
    try {
      const failed = await postJson(
        `${stack.url}/v1/chat/completions`,
        { ...chat, model: 'solo' },
        auth,
      );
      expect(failed.status).toBeGreaterThanOrEqual(500);
    } finally {
      stack.primary.clearFaults();
    }
    await expect.poll(() => sink.lines.length).toBe(2);
    const [warn, error] = sink.entries();
    expect(warn).toMatchObject({
      level: 40,
      status: 401,
      error: { code: 'invalid_api_key', type: 'authentication_error' },
    });
    expect(warn).not.toHaveProperty('keyName');
    expect(error).toMatchObject({ level: 50, error: { type: 'server_error' } });
    expect(error?.err).toMatchObject({ type: expect.any(String), stack: expect.any(String) });
    expect(sink.text()).not.toContain('not-the-key-000');
  });
});

describe('createLogger', () => {
  it('censors credential fields and secret-looking text, stack traces included', () => {
    const capture = captureLogs();
    const logger = createLogger({}, { stream: capture, secrets: ['plain-looking-secret'] });
    const error = new Error('upstream said: invalid key sk-live-abcdefghijklmnop');
    logger.info({
      headers: { authorization: 'Bearer abcdefghijklmnop', 'x-api-key': 'xyz-0000000' },
      provider: { apiKey: 'anything-at-all' },
      note: 'token=Bearer qwertyuiopasdf and plain-looking-secret',
      err: error,
    });
    const text = capture.text();
    for (const secret of [
      'abcdefghijklmnop',
      'xyz-0000000',
      'anything-at-all',
      'qwertyuiopasdf',
      'plain-looking-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(text).toContain('upstream said: invalid key');
  });

  it('honours the level and writes to a file destination', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-log-'));
    const file = join(directory, 'nested', 'gateway.log');
    const logger = createLogger({ level: 'warn', destination: file });
    logger.info('not written');
    logger.warn({ path: '/x' }, 'written');
    logger.flush();
    await expect
      .poll(async () => readFile(file, 'utf8').catch(() => ''))
      .toContain('"msg":"written"');
    expect(await readFile(file, 'utf8')).not.toContain('not written');
  });

  it('writes the lines still buffered when the process exits', async () => {
    // Lines are buffered up to 4 KiB; a process that logs a little and exits must not lose them.
    const script = [
      `import { createLogger } from ${JSON.stringify(new URL('../src/logging/create-logger.ts', import.meta.url).pathname)};`,
      "const logger = createLogger({ level: 'info' });",
      "logger.info({ exiting: true }, 'last words');",
      'setTimeout(() => process.exit(0), 10);',
    ].join('\n');
    const child = spawn(
      process.execPath,
      ['--conditions=@loom/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('"msg":"last words"');
  });
});
