import { testProvider } from '@loom/testkit/conformance';
import { createEcho, ECHO_MODEL } from '../src/index.js';

testProvider('loom-provider-echo', {
  createProvider: () => createEcho(),
  chatModel: ECHO_MODEL,
  embeddingModel: ECHO_MODEL,
  // Echo waits as long as the request asks: a stand-in for a slow upstream.
  slowRequest: {
    model: ECHO_MODEL,
    messages: [{ role: 'user', content: 'take your time' }],
    providerOptions: { echo: { delayMs: 5_000 } },
  },
  // Nothing to echo: refused with InvalidRequestError.
  failingRequest: { model: ECHO_MODEL, messages: [{ role: 'user', content: '   ' }] },
  timeoutMs: 5_000,
});

testProvider('loom-provider-echo (custom id, prefix and delay)', {
  createProvider: () => createEcho({ id: 'parrot', prefix: 'you said: ', delayMs: 5 }),
  chatModel: 'any-model',
  timeoutMs: 5_000,
});
