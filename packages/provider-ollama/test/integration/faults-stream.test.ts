import {
  ConnectionError,
  LoomError,
  MalformedResponseError,
  ModelNotFoundError,
  ProviderCallError,
  TimeoutError,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { createOllama } from '../../src/index.js';
import { callContext, chatRequest, readAll, rejection, setup } from '../helpers/harness.js';

const fast = { headersTimeoutMs: 400, bodyTimeoutMs: 400, coldStartTimeoutMs: 5_000 };

type Operation = 'doChat' | 'doStream';
const operations: Operation[] = ['doChat', 'doStream'];

describe('doStream: faults inside the body', () => {
  it('stall after two chunks → TimeoutError idle, after the first parts arrived', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, fast);
    server.inject({ fault: { type: 'stall', afterChunks: 2 }, path: '/api/chat' });
    const { stream } = await provider.doStream(chatRequest('one two three four'), callContext());
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const part of stream) seen.push(part.type);
      })(),
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ phase: 'idle', timeoutMs: 400 });
    expect(seen.filter((type) => type === 'text-delta')).toHaveLength(2);
    expect(seen).not.toContain('finish');
    await expect.poll(() => server.requests[0]?.aborted).toBe(true);
  });

  it('cut after two chunks → retryable ConnectionError or MalformedResponseError, never a finish', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, fast);
    server.inject({ fault: { type: 'cut', afterChunks: 2 }, path: '/api/chat' });
    const { stream } = await provider.doStream(chatRequest('one two three four'), callContext());
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const part of stream) seen.push(part.type);
      })(),
    );
    expect(ConnectionError.isInstance(error) || MalformedResponseError.isInstance(error)).toBe(
      true,
    );
    expect((error as LoomError).isRetryable).toBe(true);
    expect(seen).not.toContain('finish');
  });

  it('a stream that ends cleanly without done:true → MalformedResponseError (cut)', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, fast);
    const line = JSON.stringify({
      model: 'llama3.2',
      message: { role: 'assistant', content: 'partial' },
      done: false,
    });
    server.inject({ fault: { type: 'status', status: 200, body: `${line}\n` }, path: '/api/chat' });
    const error = await rejection(readAll(provider, chatRequest()));
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/cut/);
  });

  it('malformed line → MalformedResponseError', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, fast);
    server.inject({ fault: { type: 'malformed', afterChunks: 1 }, path: '/api/chat' });
    const error = await rejection(readAll(provider, chatRequest('one two three')));
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'malformed_response', isRetryable: true });
  });

  it('in-band {"error"} line → ProviderCallError coded from its text', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, fast);
    server.inject({
      fault: { type: 'in-band-error', afterChunks: 1 },
      path: '/api/chat',
      times: 1,
    });
    const generic = await rejection(readAll(provider, chatRequest('one two three')));
    expect(ProviderCallError.isInstance(generic)).toBe(true);
    expect(generic).toMatchObject({ code: 'provider_error', isRetryable: true });
    server.inject({
      fault: {
        type: 'in-band-error',
        afterChunks: 0,
        message: 'server busy, please try again.  maximum pending requests exceeded',
      },
      path: '/api/chat',
    });
    const busy = await rejection(readAll(provider, chatRequest('one two three')));
    expect(busy).toMatchObject({ code: 'provider_unavailable', isRetryable: true });
  });
});

describe('connections, aborts and the other endpoints', () => {
  it('connection refused → ConnectionError for every call, health down', async () => {
    const { server } = await setup();
    const baseURL = server.baseURL;
    await server.close();
    const provider = createOllama({ baseURL });
    const errors = await Promise.all([
      rejection(provider.doChat(chatRequest(), callContext())),
      rejection(readAll(provider, chatRequest())),
      rejection(provider.doEmbed({ model: 'nomic-embed-text', input: ['x'] }, callContext())),
      rejection(provider.doListModels({ signal: AbortSignal.timeout(5_000) })),
    ]);
    for (const error of errors) expect(ConnectionError.isInstance(error)).toBe(true);
    expect((await provider.doHealth({ signal: AbortSignal.timeout(5_000) })).status).toBe('down');
    await provider.close();
  });

  it.each(operations)(
    '%s rejects with the signal reason when already aborted, without a request',
    async (operation) => {
      const { server, provider } = await setup({ loaded: ['llama3.2'] });
      const controller = new AbortController();
      const reason = new Error('caller left');
      controller.abort(reason);
      const call =
        operation === 'doChat'
          ? provider.doChat(chatRequest(), callContext(controller.signal))
          : provider.doStream(chatRequest(), callContext(controller.signal));
      expect(await rejection(call)).toBe(reason);
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(operations)(
    '%s rejects with the signal reason when aborted mid-request, aborting upstream',
    async (operation) => {
      const { server, provider } = await setup(
        { loaded: ['llama3.2'] },
        { headersTimeoutMs: 30_000 },
      );
      server.inject({ fault: { type: 'hang' }, path: '/api/chat' });
      const controller = new AbortController();
      const reason = new Error('caller left mid-request');
      const pending =
        operation === 'doChat'
          ? provider.doChat(chatRequest(), callContext(controller.signal))
          : readAll(provider, chatRequest(), controller.signal);
      await expect.poll(() => server.requests.length).toBe(1);
      const started = Date.now();
      controller.abort(reason);
      expect(await rejection(pending)).toBe(reason);
      expect(Date.now() - started).toBeLessThan(1_000);
      await expect.poll(() => server.requests[0]?.aborted).toBe(true);
    },
  );

  it('aborting mid-stream throws the reason from the iterator and aborts upstream', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'], tokensPerSecond: 4 });
    const controller = new AbortController();
    const reason = new Error('stop streaming');
    const { stream } = await provider.doStream(
      chatRequest('a b c d e f g h'),
      callContext(controller.signal),
    );
    const error = await rejection(
      (async () => {
        for await (const part of stream) if (part.type === 'text-delta') controller.abort(reason);
      })(),
    );
    expect(error).toBe(reason);
    await expect.poll(() => server.requests[0]?.aborted).toBe(true);
  });

  it('embed: 404 → ModelNotFoundError, hang → TimeoutError attempt, 503 → provider_unavailable', async () => {
    const { server, provider } = await setup({ loaded: ['nomic-embed-text'] }, fast);
    expect(
      ModelNotFoundError.isInstance(
        await rejection(provider.doEmbed({ model: 'nope', input: ['x'] }, callContext())),
      ),
    ).toBe(true);
    server.inject({ fault: { type: 'status', status: 503 }, path: '/api/embed', times: 1 });
    expect(
      await rejection(provider.doEmbed({ model: 'nomic-embed-text', input: ['x'] }, callContext())),
    ).toMatchObject({ code: 'provider_unavailable', isRetryable: true });
    server.inject({ fault: { type: 'hang' }, path: '/api/embed' });
    expect(
      await rejection(provider.doEmbed({ model: 'nomic-embed-text', input: ['x'] }, callContext())),
    ).toMatchObject({ code: 'timeout', phase: 'attempt' });
  });

  it('listing: a 500 → provider_error, a body without models → MalformedResponseError', async () => {
    const { server, provider } = await setup({}, fast);
    server.inject({ fault: { type: 'status', status: 500 }, path: '/api/tags', times: 1 });
    expect(
      await rejection(provider.doListModels({ signal: AbortSignal.timeout(5_000) })),
    ).toMatchObject({ code: 'provider_error', statusCode: 500 });
    server.inject({
      fault: { type: 'status', status: 200, body: { tags: [] } },
      path: '/api/tags',
      times: 1,
    });
    expect(
      MalformedResponseError.isInstance(
        await rejection(provider.doListModels({ signal: AbortSignal.timeout(5_000) })),
      ),
    ).toBe(true);
  });

  it('a non-JSON 200 body → MalformedResponseError', async () => {
    const { server, provider } = await setup({ loaded: ['llama3.2'] }, fast);
    server.inject({ fault: { type: 'status', status: 200, body: 'not json' }, path: '/api/chat' });
    expect(
      MalformedResponseError.isInstance(
        await rejection(provider.doChat(chatRequest(), callContext())),
      ),
    ).toBe(true);
  });

  it('calls after close() fail with a LoomError; close() twice is fine', async () => {
    const { provider } = await setup({ loaded: ['llama3.2'] });
    await provider.doChat(chatRequest(), callContext());
    await provider.close();
    await provider.close();
    const error = await rejection(provider.doChat(chatRequest(), callContext()));
    expect(LoomError.isInstance(error)).toBe(true);
  });
});
