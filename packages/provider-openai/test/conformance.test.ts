import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { testProvider, wireErrorBodies } from '@loom/testkit/conformance';
import { afterAll, beforeAll } from 'vitest';
import { createOpenAI } from '../src/index.js';

let upstream: SimulatedUpstream;

beforeAll(async () => {
  upstream = await startOpenAIServer({
    models: ['gpt-4o-mini', 'gpt-4o-mini-slow', 'text-embedding-3-small'],
  });
  // Every request for the slow model waits 5 s before answering: long enough to abort midway.
  upstream.inject({ fault: { type: 'delay', ms: 5_000 }, model: 'gpt-4o-mini-slow' });
});

afterAll(() => upstream.close());

testProvider('provider-openai', {
  createProvider: () => createOpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-test' }),
  chatModel: 'gpt-4o-mini',
  embeddingModel: 'text-embedding-3-small',
  slowRequest: {
    model: 'gpt-4o-mini-slow',
    messages: [{ role: 'user', content: 'Take your time.' }],
  },
  failingRequest: {
    model: 'no-such-model',
    messages: [{ role: 'user', content: 'This model does not exist.' }],
  },
  timeoutMs: 10_000,
  upstream: {
    errorBodies: wireErrorBodies('openai'),
    start: () => startOpenAIServer(),
    connect: (baseURL, timeouts) => createOpenAI({ baseURL, apiKey: 'sk-test', ...timeouts }),
    model: 'gpt-4o-mini',
  },
});
