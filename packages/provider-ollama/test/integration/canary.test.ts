import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { ChatRequest } from '@loom/core';
import { type Fault, startOllamaServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOllama, type OllamaProvider } from '../../src/index.js';
import { callContext, chatRequest, readAll, rejection } from '../helpers/harness.js';

const secret = `ollama-canary-${randomBytes(12).toString('hex')}`;
const authorization = `Bearer ${secret}`;

/** Every text an error exposes: message, stack, JSON, inspection, down its cause chain. */
function exposedTexts(error: unknown): string[] {
  const texts: string[] = [inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current instanceof Error) texts.push(current.message, current.stack ?? '');
    try {
      texts.push(JSON.stringify(current) ?? '');
    } catch {
      texts.push(String(current));
    }
    current = (current as { cause?: unknown }).cause;
  }
  return texts;
}

function expectNoSecret(error: unknown): void {
  expect(error).toBeDefined();
  for (const text of exposedTexts(error)) expect(text).not.toContain(secret);
}

type Server = Awaited<ReturnType<typeof startOllamaServer>>;
let server: Server;
let provider: OllamaProvider;
const fast = { headersTimeoutMs: 300, bodyTimeoutMs: 300, coldStartTimeoutMs: 2_000 };

beforeAll(async () => {
  server = await startOllamaServer({ loaded: ['llama3.2', 'nomic-embed-text'], apiKey: secret });
  provider = createOllama({ baseURL: server.baseURL, headers: { authorization }, ...fast });
});

afterAll(async () => {
  await provider.close();
  await server.close();
});

const echoing = `the header was authorization: ${authorization} (token ${secret})`;
const faults: Array<[string, Fault]> = [
  ['400', { type: 'status', status: 400 }],
  ['400 echoing the header as JSON', { type: 'status', status: 400, body: { error: echoing } }],
  ['500 echoing the header as text', { type: 'status', status: 500, body: echoing }],
  [
    '401 echoing the token',
    { type: 'status', status: 401, body: { error: `invalid key ${secret}` } },
  ],
  ['404', { type: 'status', status: 404 }],
  ['429 with retry-after', { type: 'status', status: 429, headers: { 'retry-after': '1' } }],
  ['503 busy', { type: 'status', status: 503 }],
  [
    '200 that is not JSON, echoing',
    { type: 'status', status: 200, body: `<html>${authorization}</html>` },
  ],
  ['reset', { type: 'reset' }],
  ['hang', { type: 'hang' }],
  ['delay past the limit', { type: 'delay', ms: 1_000 }],
  ['stall', { type: 'stall', afterChunks: 1 }],
  ['cut', { type: 'cut', afterChunks: 1 }],
  ['malformed', { type: 'malformed', afterChunks: 1 }],
  ['in-band error echoing the token', { type: 'in-band-error', afterChunks: 1, message: echoing }],
];

const calls: Array<[string, (request: ChatRequest) => Promise<unknown>]> = [
  ['doChat', (request) => provider.doChat(request, callContext())],
  ['doStream', (request) => readAll(provider, request)],
  ['doEmbed', () => provider.doEmbed({ model: 'nomic-embed-text', input: ['x'] }, callContext())],
  ['doListModels', () => provider.doListModels({ signal: AbortSignal.timeout(5_000) })],
];

describe('the canary key never reaches an error', () => {
  for (const [callName, call] of calls) {
    for (const [faultName, fault] of faults) {
      it(`${callName} with ${faultName}`, async () => {
        server.clearFaults();
        server.inject({ fault });
        const outcome = await call(chatRequest('one two three')).then(
          () => undefined,
          (error: unknown) => error,
        );
        server.clearFaults();
        // Stream-only faults leave non-stream calls untouched; those that fail must be clean.
        if (outcome !== undefined) expectNoSecret(outcome);
      });
    }
  }

  it('a wrong key (401), an unknown model and a refused image URL', async () => {
    const other = await startOllamaServer({ apiKey: 'a-different-key' });
    const wrong = createOllama({ baseURL: other.baseURL, headers: { authorization } });
    expectNoSecret(await rejection(wrong.doChat(chatRequest(), callContext())));
    await wrong.close();
    await other.close();
    expectNoSecret(
      await rejection(provider.doChat(chatRequest('x', { model: 'missing' }), callContext())),
    );
    const image = chatRequest('x', {
      messages: [
        { role: 'user', content: [{ type: 'image', url: `https://example.com/?key=${secret}` }] },
      ],
    });
    expectNoSecret(await rejection(provider.doChat(image, callContext())));
  });

  it('a refused connection, a closed provider and health reports', async () => {
    const closed = await startOllamaServer();
    const baseURL = closed.baseURL;
    await closed.close();
    const gone = createOllama({ baseURL, headers: { authorization, 'x-api-key': secret } });
    expectNoSecret(await rejection(gone.doChat(chatRequest(), callContext())));
    expectNoSecret(await rejection(readAll(gone, chatRequest())));
    const report = await gone.doHealth({ signal: AbortSignal.timeout(5_000) });
    expect(JSON.stringify(report)).not.toContain(secret);
    await gone.close();
    expectNoSecret(await rejection(gone.doChat(chatRequest(), callContext())));
  });

  it('credentials in the base URL and bad settings', async () => {
    const withUserInfo = createOllama({ baseURL: `http://user:${secret}@127.0.0.1:1` });
    expectNoSecret(await rejection(withUserInfo.doChat(chatRequest(), callContext())));
    expect(JSON.stringify(withUserInfo.settings)).not.toContain(secret);
    await withUserInfo.close();
    expectNoSecret(
      await rejection(
        Promise.resolve().then(() => createOllama({ baseURL: `ftp://user:${secret}@host` })),
      ),
    );
    expectNoSecret(
      await rejection(
        Promise.resolve().then(() => createOllama({ baseURL: `not a url ${authorization}` })),
      ),
    );
  });
});
