import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { type Fault, type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOpenAI, type OpenAIProvider } from '../src/index.js';
import { ask, callContext, collect, rejectionOf } from './helpers.js';

// A key that exists nowhere else: if it shows up in an error or a log, the provider leaked it.
const canary = `sk-canary-${randomUUID()}`;
let upstream: SimulatedUpstream;
let provider: OpenAIProvider;
const consoleSpies: Array<ReturnType<typeof vi.spyOn>> = [];

beforeAll(async () => {
  upstream = await startOpenAIServer({ apiKey: canary });
  provider = createOpenAI({
    baseURL: upstream.baseURL,
    apiKey: canary,
    headersTimeoutMs: 300,
    bodyTimeoutMs: 300,
  });
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    consoleSpies.push(vi.spyOn(console, method));
  }
});

afterEach(() => upstream.clearFaults());

afterAll(async () => {
  await provider.close?.();
  await upstream.close();
  vi.restoreAllMocks();
});

/** Every text an error exposes: message, stack, JSON, inspect output, down the cause chain. */
function exposedTexts(error: unknown): string[] {
  const texts: string[] = [inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) texts.push(current.message, current.stack ?? '', String(current));
    texts.push(JSON.stringify(current) ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return texts;
}

function expectNoCanary(error: unknown): void {
  expect(error).toBeDefined();
  for (const text of exposedTexts(error)) expect(text).not.toContain(canary);
  expect(exposedTexts(error).join('\n')).not.toContain(canary.slice(3));
}

const echoing = (status: number): Fault => ({
  type: 'status',
  status,
  body: {
    error: {
      message: `Incorrect API key provided: ${canary}. Authorization: Bearer ${canary}`,
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
  },
});

describe('the API key never leaks', () => {
  const cases: Array<[string, Fault | undefined, 'chat' | 'stream' | 'embed']> = [
    ['401 echoing the key (chat)', echoing(401), 'chat'],
    ['401 echoing the key (stream)', echoing(401), 'stream'],
    ['401 echoing the key (embed)', echoing(401), 'embed'],
    [
      '500 with the key in a text body',
      { type: 'status', status: 500, body: `boom ${canary}` },
      'chat',
    ],
    [
      '200 with an unparseable body holding the key',
      { type: 'status', status: 200, body: `not json ${canary}` },
      'chat',
    ],
    [
      'in-band error echoing the key',
      { type: 'in-band-error', afterChunks: 1, message: `bad key ${canary}` },
      'stream',
    ],
    ['reset', { type: 'reset' }, 'chat'],
    ['timeout (chat)', { type: 'hang' }, 'chat'],
    ['timeout (stream)', { type: 'hang' }, 'stream'],
    ['stall', { type: 'stall', afterChunks: 1 }, 'stream'],
  ];

  it.each(cases)('%s', async (_name, fault, operation) => {
    if (fault) upstream.inject({ fault, times: 1 });
    const request = ask('hello canary');
    const pending =
      operation === 'chat'
        ? provider.doChat(request, callContext())
        : operation === 'stream'
          ? collect(provider, request)
          : provider.doEmbed!({ model: 'text-embedding-3-small', input: ['x'] }, callContext());
    expectNoCanary(await rejectionOf(pending));
  });

  it('connection refused', async () => {
    const gone = await startOpenAIServer();
    const baseURL = gone.baseURL;
    await gone.close();
    const orphan = createOpenAI({ baseURL, apiKey: canary });
    expectNoCanary(await rejectionOf(orphan.doChat(ask('hi'), callContext())));
    const report = await orphan.doHealth!({ signal: AbortSignal.timeout(5_000) });
    expect(JSON.stringify(report)).not.toContain(canary);
    await orphan.close?.();
  });

  it('a wrong key echoed by the upstream does not leak either', async () => {
    const wrong = `sk-canary-wrong-${randomUUID()}`;
    const other = createOpenAI({ baseURL: upstream.baseURL, apiKey: wrong });
    const error = await rejectionOf(other.doChat(ask('hi'), callContext()));
    await other.close?.();
    for (const text of exposedTexts(error)) expect(text).not.toContain(wrong);
  });

  it('health reports hold no key', async () => {
    upstream.inject({ fault: echoing(401), times: 1 });
    const report = await provider.doHealth!({ signal: AbortSignal.timeout(5_000) });
    expect(report.status).toBe('down');
    expect(JSON.stringify(report)).not.toContain(canary);
  });

  it('the provider logged nothing', () => {
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  });
});
