import {
  type ChatStreamPart,
  ConfigError,
  createKernel,
  InvalidRequestError,
  type Kernel,
} from '@loom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createEcho, ECHO_MODEL, echoPlugin } from '../src/index.js';

const context = (signal = new AbortController().signal) => ({ signal, requestId: 'r', attempt: 1 });

describe('createEcho', () => {
  it('validates and freezes its settings', () => {
    const echo = createEcho({ prefix: '> ' });
    expect(echo.settings).toEqual({ id: 'echo', prefix: '> ', delayMs: 0 });
    expect(Object.isFrozen(echo.settings)).toBe(true);
    expect(() => createEcho({ delayMs: -1 })).toThrow(/createEcho: delayMs/);
    expect(() => createEcho({ id: ' ' })).toThrow(ConfigError);
    expect(() => createEcho({ colour: 'red' } as never)).toThrow(/Unrecognized key/);
  });

  it('echoes the last user message with word-count usage', async () => {
    const echo = createEcho({ prefix: 'echo: ' });
    const response = await echo.doChat(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'hello there' },
        ],
      },
      context(),
    );
    expect(response.message.content).toBe('echo: hello there');
    expect(response.usage).toEqual({
      inputTokens: 4,
      outputTokens: 3,
      totalTokens: 7,
      estimated: false,
    });
  });

  it('refuses an empty last user message and bad request options', async () => {
    const echo = createEcho();
    const empty = echo.doChat({ model: 'm', messages: [{ role: 'user', content: '' }] }, context());
    await expect(empty).rejects.toSatisfy(InvalidRequestError.isInstance);
    const badDelay = echo.doChat(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        providerOptions: { echo: { delayMs: 'soon' } },
      },
      context(),
    );
    await expect(badDelay).rejects.toThrow(/providerOptions\.echo\.delayMs/);
  });

  it('embeds deterministically', async () => {
    const echo = createEcho();
    const request = { model: ECHO_MODEL, input: ['a b', 'c'], dimensions: 4 };
    const first = await echo.doEmbed!(request, context());
    expect(first.embeddings).toEqual((await echo.doEmbed!(request, context())).embeddings);
    expect(first.embeddings[0]).toHaveLength(4);
    expect(first.usage.inputTokens).toBe(3);
  });
});

describe('echoPlugin in a kernel', () => {
  let kernel: Kernel | undefined;
  afterEach(async () => {
    await kernel?.stop();
    kernel = undefined;
  });

  it('serves chat, streams and embeddings through a model alias', async () => {
    kernel = createKernel({
      models: [{ name: 'chat', targets: [`echo/${ECHO_MODEL}`] }],
      health: { intervalMs: 0 },
    }).use(echoPlugin({ prefix: 'echo: ' }));
    const messages = [{ role: 'user' as const, content: 'hello kernel' }];

    const response = await kernel.chat({ model: 'chat', messages });
    expect(response.message.content).toBe('echo: hello kernel');
    expect(response.loom.deployment.id).toBe(`echo/${ECHO_MODEL}`);

    const stream = await kernel.stream({ model: 'chat', messages });
    const parts: ChatStreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    expect(text).toBe('echo: hello kernel');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });

    const embedded = await kernel.embed({ model: `echo/${ECHO_MODEL}`, input: 'hello' });
    expect(embedded.embeddings).toHaveLength(1);
  });

  it('is cut off by the kernel deadline when a request asks for a long delay', async () => {
    kernel = createKernel({ health: { intervalMs: 0 } }).use(echoPlugin());
    const started = Date.now();
    const slow = kernel.chat(
      {
        model: `echo/${ECHO_MODEL}`,
        messages: [{ role: 'user', content: 'wait' }],
        providerOptions: { echo: { delayMs: 10_000 } },
      },
      { timeoutMs: 100 },
    );
    await expect(slow).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('declares its core range and validates settings where it is configured', () => {
    expect(echoPlugin()).toMatchObject({ name: 'loom-provider-echo', coreVersion: '^0.1.0' });
    expect(() => echoPlugin({ delayMs: 1.5 })).toThrow(ConfigError);
  });

  it('gives every kernel its own provider instance', async () => {
    const plugin = echoPlugin();
    const first = createKernel({ health: { intervalMs: 0 } }).use(plugin);
    const second = createKernel({ health: { intervalMs: 0 } }).use(plugin);
    const messages = [{ role: 'user' as const, content: 'one' }];
    const [a, b] = await Promise.all([
      first.chat({ model: 'echo/x', messages }),
      second.chat({ model: 'echo/x', messages }),
    ]);
    // Response ids count per provider instance: both start at 1.
    expect([a.id, b.id]).toEqual(['echo-1', 'echo-1']);
    await Promise.all([first.stop(), second.stop()]);
  });
});
