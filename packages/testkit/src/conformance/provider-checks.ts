import type { ConformanceCheck } from './check.js';
import { abortChecks } from './provider-abort-checks.js';
import { failureChecks } from './provider-failure-checks.js';
import { callTimeout, type ProviderConformanceOptions } from './provider-harness.js';
import { shapeChecks } from './provider-shape-checks.js';
import { streamChecks } from './provider-stream-checks.js';
import { upstreamChecks } from './upstream/upstream-checks.js';

/**
 * The provider conformance checks, as plain functions: `testProvider` runs them as tests, and a
 * test can run one directly to prove it fails on a broken provider. Checks that need an option
 * (`embeddingModel`, `slowRequest`, `failingRequest`, `upstream`) are left out without it.
 */
export function providerChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  // Room for a call, the provider's close and a slow machine.
  const timeoutMs = callTimeout(options) * 2 + 5_000;
  return [
    ...shapeChecks(options),
    ...streamChecks(options),
    ...abortChecks(options),
    ...failureChecks(options),
    ...(options.upstream ? upstreamChecks(options.upstream) : []),
  ].map((check) => ({ ...check, timeoutMs }));
}
