import { type Alert, InvalidRequestError, type Metric } from '@loom/core';
import { testAlertSink, testMetricCollector, testProvider } from '../src/conformance/index.js';
import {
  createInMemoryAlertSink,
  type InMemoryAlertSink,
} from '../src/create-in-memory-alert-sink.js';
import {
  createInMemoryMetricCollector,
  type InMemoryMetricCollector,
} from '../src/create-in-memory-metric-collector.js';
import { createMockProvider } from '../src/mock-provider/create-mock-provider.js';
import { mockError, mockReply } from '../src/mock-provider/mock-steps.js';

const gauge = (value: number): Metric => ({
  name: 'testkit.conformance',
  value,
  kind: 'gauge',
  unit: '1',
  timestamp: Date.now(),
  attributes: { double: 'in-memory', sampled: true, n: value },
});

testProvider('mock', {
  createProvider: () =>
    createMockProvider({
      // The request itself says how to behave, as a real upstream's inputs would.
      fallback: (request) => {
        const behaviour = request.providerOptions?.mock?.behaviour;
        if (behaviour === 'slow') return mockReply('finally', { delayMs: 5_000 });
        if (behaviour === 'fail') {
          return mockError(
            () => new InvalidRequestError({ issues: [{ path: 'messages', message: 'refused' }] }),
          );
        }
        return undefined;
      },
    }),
  chatModel: 'mock-model',
  embeddingModel: 'mock-model',
  slowRequest: {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'take your time' }],
    providerOptions: { mock: { behaviour: 'slow' } },
  },
  failingRequest: {
    model: 'mock-model',
    messages: [{ role: 'user', content: 'refuse this' }],
    providerOptions: { mock: { behaviour: 'fail' } },
  },
  timeoutMs: 5_000,
});

testProvider('mock without embeddings or extras', {
  createProvider: () => createMockProvider({ id: 'plain', embeddings: false }),
  chatModel: 'anything',
  timeoutMs: 5_000,
});

let pushed: InMemoryMetricCollector | undefined;
testMetricCollector('in-memory (pushed)', {
  createCollector: () => {
    pushed = createInMemoryMetricCollector({ name: 'pushed' });
    return pushed;
  },
  drive: async () => pushed?.push(gauge(1), gauge(2)),
});

let n = 0;
testMetricCollector('in-memory (sampled on an interval)', {
  createCollector: () =>
    createInMemoryMetricCollector({ intervalMs: 25, sample: () => [gauge(++n)] }),
  drive: async () => {},
  quietMs: 150,
});

let sink: InMemoryAlertSink | undefined;
testAlertSink('in-memory', {
  createSink: () => {
    sink = createInMemoryAlertSink();
    return sink;
  },
  received: (): readonly Alert[] => sink?.alerts ?? [],
});

testAlertSink('in-memory, slow, without read-back', {
  createSink: () => createInMemoryAlertSink({ delayMs: 20 }),
});
