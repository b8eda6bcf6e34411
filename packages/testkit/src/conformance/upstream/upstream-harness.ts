import type { ChatRequest, ProviderV1 } from '@loom/core';
import type { FaultRule, SimulatedUpstream } from '../../upstreams/simulated-upstream.js';
import { attempt, settleWithin } from '../check.js';
import { sampleRequest } from '../provider-harness.js';
import type { WireErrorBodies } from './wire-error-bodies.js';

/** The timeouts a provider under test is connected with. */
export interface UpstreamTimeouts {
  /** How long to wait for response headers before a `TimeoutError`. */
  headersTimeoutMs: number;
  /** How long a response body may stay silent before a `TimeoutError` (phase `idle`). */
  bodyTimeoutMs: number;
}

/**
 * The `upstream` option of `providerChecks`: how to run the provider against a simulated upstream
 * (`startOpenAIServer`, `startOllamaServer`, `startVllmServer`, or `startFakeUpstream` for any
 * other wire), which enables the error-mapping, transport, stream, release, listing and health
 * checks.
 *
 * The health checks hold a provider with `doHealth` to these rules: against a healthy upstream it
 * resolves `status: 'up'`; against an upstream answering 503, or one that cannot be reached at
 * all (closed before the provider connects), it RESOLVES with `status: 'down'` and a non-empty
 * `message` (an unreachable upstream is a result, not an error); and when its own `signal`
 * aborts while the upstream hangs, it rejects within 1 s with `signal.reason`.
 */
export interface UpstreamConformanceOptions {
  /** Starts a fresh simulator; called once per check and closed after it. */
  start: () => Promise<SimulatedUpstream>;
  /** A provider talking to `baseURL` with these timeouts; closed after each check. */
  connect: (baseURL: string, timeouts: UpstreamTimeouts) => ProviderV1 | Promise<ProviderV1>;
  /** A chat model the simulator serves. */
  model: string;
  /**
   * The wire's own error bodies, for the table rows that need one; a row whose body is absent is
   * left out. `wireErrorBodies('openai' | 'ollama' | 'vllm')` gives the built-in wires' bodies.
   */
  errorBodies?: WireErrorBodies;
}

/** Generous defaults, for checks that are not about timeouts. */
const RELAXED: UpstreamTimeouts = { headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 };

/** The timeout the timeout checks use: short, yet far above a loopback round trip. */
export const SHORT_TIMEOUT_MS = 300;

/** How a check sets up its simulator. */
export interface UpstreamSetup {
  /** Fault rules injected before the provider connects. */
  rules?: FaultRule[];
  /** Timeouts other than the relaxed defaults. */
  timeouts?: Partial<UpstreamTimeouts>;
  /** Close the simulator before connecting (a refused connection). */
  closed?: boolean;
}

/** The sample request, for the upstream's model. */
export function upstreamRequest(upstream: UpstreamConformanceOptions): ChatRequest {
  return sampleRequest({ chatModel: upstream.model });
}

/**
 * Starts a fresh simulator, connects a provider to it, runs `use`, then closes the provider and
 * the simulator, whatever happened.
 */
export async function withUpstream(
  upstream: UpstreamConformanceOptions,
  setup: UpstreamSetup,
  use: (provider: ProviderV1, simulator: SimulatedUpstream) => Promise<void>,
): Promise<void> {
  const simulator = await upstream.start();
  try {
    for (const rule of setup.rules ?? []) simulator.inject(rule);
    if (setup.closed) await simulator.close();
    const timeouts = { ...RELAXED, ...setup.timeouts };
    const provider = await upstream.connect(simulator.baseURL, timeouts);
    try {
      await use(provider, simulator);
    } finally {
      if (provider.close) {
        await settleWithin(
          attempt(() => provider.close!()),
          5_000,
          'close()',
        ).catch(() => {});
      }
    }
  } finally {
    await simulator.close();
  }
}
