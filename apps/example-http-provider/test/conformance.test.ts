import type { SimulatedUpstream } from '@loom/testkit';
import { testProvider } from '@loom/testkit/conformance';
import { afterAll } from 'vitest';
import { createPlainchat } from '../src/index.js';
import { startPlainchatServer } from './plainchat-fake-upstream.js';

// The shape, stream and abort checks share one server; the upstream checks start their own.
let shared: Promise<SimulatedUpstream> | undefined;
const server = () => {
  shared ??= startPlainchatServer();
  return shared;
};
afterAll(async () => (await shared)?.close());

testProvider('loom-provider-plainchat', {
  createProvider: async () => createPlainchat({ baseURL: (await server()).baseURL }),
  chatModel: 'plain-1',
  failingRequest: { model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] },
  timeoutMs: 10_000,
  upstream: {
    start: () => startPlainchatServer(),
    connect: (baseURL, timeouts) => createPlainchat({ baseURL, ...timeouts }),
    model: 'plain-1',
    errorBodies: {
      contextLength: { error: 'the prompt is longer than the context length of plain-1' },
    },
  },
});
