import { testProvider } from '../src/conformance/test-suites.js';
import { referenceOptions } from './support/reference-upstreams.js';

// A provider that follows the brief passes every check, on every wire: so each failure in
// provider-checks-fail.test.ts is the check catching the break, not a check that always fails.
testProvider('reference provider on the OpenAI simulator', referenceOptions('openai'));
testProvider('reference provider on the vLLM simulator', referenceOptions('vllm'));
testProvider('reference provider on the Ollama simulator', referenceOptions('ollama'));
