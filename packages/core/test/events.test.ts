import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  createKernel,
  type Kernel,
  type KernelEvents,
  ProviderCallError,
} from '../src/index.js';
import { fakeProvider, streamOf, textStream } from './fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };
const requestEvents = [
  'request:start',
  'attempt:start',
  'attempt:first-chunk',
  'attempt:end',
  'attempt:error',
  'request:end',
] as const satisfies ReadonlyArray<keyof KernelEvents>;

function record(kernel: Kernel) {
  const log: string[] = [];
  for (const name of requestEvents) {
    kernel.events.on(name, (event) => {
      const attempt =
        'attempt' in event && name !== 'request:end'
          ? ` #${event.attempt} ${event.deployment.id}`
          : '';
      const outcome =
        name === 'request:end' ? ` ${(event as KernelEvents['request:end']).outcome}` : '';
      log.push(`${name}${attempt}${outcome}`);
    });
  }
  return log;
}

const kernelWith = (...providers: ReturnType<typeof fakeProvider>[]) =>
  createKernel({
    providers,
    models: [{ name: 'chat', targets: providers.map((p) => `${p.id}/m`) }],
  });

describe('event order', () => {
  it('success', async () => {
    const kernel = kernelWith(fakeProvider('a'));
    const log = record(kernel);
    await kernel.chat(ask);
    expect(log).toEqual([
      'request:start',
      'attempt:start #1 a/m',
      'attempt:end #1 a/m',
      'request:end success',
    ]);
  });

  it('failure', async () => {
    const kernel = kernelWith(
      fakeProvider('a', {
        chat: [
          () =>
            Promise.reject(
              new ProviderCallError({ provider: 'a', message: 'no', upstreamStatus: 401 }),
            ),
        ],
      }),
    );
    const log = record(kernel);
    await expect(kernel.chat(ask)).rejects.toMatchObject({ statusCode: 401 });
    expect(log).toEqual([
      'request:start',
      'attempt:start #1 a/m',
      'attempt:error #1 a/m',
      'request:end error',
    ]);
  });

  it('fallback', async () => {
    const kernel = kernelWith(
      fakeProvider('a', { chat: [() => Promise.reject(new ConnectionError({ provider: 'a' }))] }),
      fakeProvider('b'),
    );
    const log = record(kernel);
    await kernel.chat(ask);
    expect(log).toEqual([
      'request:start',
      'attempt:start #1 a/m',
      'attempt:error #1 a/m',
      'attempt:start #2 b/m',
      'attempt:end #2 b/m',
      'request:end success',
    ]);
  });

  it('stream, with a failover before the first chunk', async () => {
    async function* refused() {
      yield* [];
      throw new ConnectionError({ provider: 'a' });
    }
    const kernel = kernelWith(
      fakeProvider('a', { stream: [refused] }),
      fakeProvider('b', { stream: [() => streamOf(textStream(['x']))] }),
    );
    const log = record(kernel);
    const stream = await kernel.stream(ask);
    log.push('caller got the stream');
    for await (const part of stream) log.push(`part ${part.type}`);
    expect(log).toEqual([
      'request:start',
      'attempt:start #1 a/m',
      'attempt:error #1 a/m',
      'attempt:start #2 b/m',
      'attempt:first-chunk #2 b/m',
      'caller got the stream',
      'part response-metadata',
      'part text-delta',
      'part usage',
      'part finish',
      'attempt:end #2 b/m',
      'request:end success',
    ]);
  });

  it('keeps serving when a listener throws, and reports it', async () => {
    const kernel = kernelWith(fakeProvider('a'));
    const errors: string[] = [];
    kernel.events.on('listener:error', (event) =>
      errors.push(`${event.event}: ${(event.error as Error).message}`),
    );
    kernel.events.on('request:start', () => {
      throw new Error('bad listener');
    });
    const later: string[] = [];
    kernel.events.on('request:start', () => later.push('still called'));
    await expect(kernel.chat(ask)).resolves.toBeDefined();
    expect(errors).toEqual(['request:start: bad listener']);
    expect(later).toEqual(['still called']);
  });
});

describe('event bus', () => {
  it('keeps one listener function on two events apart, and never loops on listener:error', async () => {
    const kernel = kernelWith(fakeProvider('a'));
    const reported: string[] = [];
    const throwing = () => {
      throw new Error('always');
    };
    kernel.events.on('request:start', throwing);
    kernel.events.on('request:end', throwing);
    kernel.events.on('listener:error', throwing);
    kernel.events.on('listener:error', (event) => reported.push(event.event));
    await kernel.chat(ask);
    expect(reported).toEqual(['request:start', 'request:end']);
    kernel.events.off('request:start', throwing);
    await kernel.chat(ask);
    expect(reported).toEqual(['request:start', 'request:end', 'request:end']);
  });
});
