import { type OllamaUpstream, startOllamaServer } from '@loom/testkit';
import { testProvider, wireErrorBodies } from '@loom/testkit/conformance';
import { afterAll, beforeAll } from 'vitest';
import { createOllama } from '../../src/index.js';

// A served model whose every answer is delayed 5 s: the suite's slow request.
const SLOW_MODEL = 'slow-llama';
let server: OllamaUpstream;

beforeAll(async () => {
  server = await startOllamaServer({
    models: ['llama3.2', 'nomic-embed-text', SLOW_MODEL],
    loaded: ['llama3.2', 'nomic-embed-text', SLOW_MODEL],
  });
  server.inject({ fault: { type: 'delay', ms: 5_000 }, model: SLOW_MODEL });
});

afterAll(async () => {
  await server.close();
});

testProvider('provider-ollama', {
  createProvider: () => createOllama({ baseURL: server.baseURL }),
  chatModel: 'llama3.2',
  embeddingModel: 'nomic-embed-text',
  slowRequest: { model: SLOW_MODEL, messages: [{ role: 'user', content: 'take your time' }] },
  // Not on the server: Ollama answers 404 `model 'no-such-model' not found`.
  failingRequest: { model: 'no-such-model', messages: [{ role: 'user', content: 'hello' }] },
  timeoutMs: 10_000,
  upstream: {
    start: startOllamaServer,
    connect: (baseURL, timeouts) => createOllama({ baseURL, ...timeouts }),
    model: 'llama3.2',
    errorBodies: wireErrorBodies('ollama'),
  },
});
