import { startVllmServer, type VllmUpstream } from '@loom/testkit';
import { testProvider, wireErrorBodies } from '@loom/testkit/conformance';
import { afterAll, beforeAll } from 'vitest';
import { createVllm } from '../src/index.js';
import { CHAT_MODEL, EMBEDDING_MODEL } from './helpers.js';

const SLOW_MODEL = 'slow/model';
let upstream: VllmUpstream;

beforeAll(async () => {
  upstream = await startVllmServer({ models: [CHAT_MODEL, SLOW_MODEL, EMBEDDING_MODEL] });
  upstream.inject({ fault: { type: 'delay', ms: 5_000 }, model: SLOW_MODEL });
});

afterAll(() => upstream.close());

testProvider('provider-vllm', {
  createProvider: () => createVllm({ baseURL: upstream.url }),
  chatModel: CHAT_MODEL,
  embeddingModel: EMBEDDING_MODEL,
  slowRequest: { model: SLOW_MODEL, messages: [{ role: 'user', content: 'Take your time.' }] },
  failingRequest: {
    model: 'no/such-model',
    messages: [{ role: 'user', content: 'Nobody serves this.' }],
  },
  timeoutMs: 10_000,
  upstream: {
    errorBodies: wireErrorBodies('vllm'),
    start: () => startVllmServer(),
    connect: (baseURL, timeouts) => createVllm({ baseURL, ...timeouts }),
    model: CHAT_MODEL,
  },
});
