import { testProvider } from '../src/conformance/test-suites.js';
import { referenceOptions } from './support/reference-upstreams.js';

// The whole suite against wires only `startFakeUpstream` speaks: every check, the error table
// and the health checks included, works for a wire Loom ships no simulator for.
testProvider('reference Ollama provider on a fake NDJSON wire', referenceOptions('fake-ndjson'));
testProvider('reference OpenAI provider on a fake SSE wire', referenceOptions('fake-sse'));
