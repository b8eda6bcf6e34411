import type { HealthReport, ProviderV1 } from '@loom/core';
import type { SimulatedUpstream } from '../../upstreams/simulated-upstream.js';
import {
  attempt,
  type ConformanceCheck,
  describeError,
  expectThat,
  fail,
  resolveWithin,
  settleWithin,
  waitUntil,
} from '../check.js';
import { PROMPT_MS } from '../provider-harness.js';
import {
  type UpstreamConformanceOptions,
  type UpstreamSetup,
  withUpstream,
} from './upstream-harness.js';

type Options = UpstreamConformanceOptions;

const describeReport = (report: HealthReport) =>
  `'${report.status}'${report.message ? ` (${report.message})` : ''}`;

/** A check of `doHealth` on a provider that has one; a provider without it passes. */
function healthCheck(
  upstream: Options,
  name: string,
  setup: UpstreamSetup,
  use: (
    doHealth: NonNullable<ProviderV1['doHealth']>,
    simulator: SimulatedUpstream,
  ) => Promise<void>,
): ConformanceCheck {
  return {
    name,
    run: () =>
      withUpstream(upstream, setup, async (provider, simulator) => {
        if (!provider.doHealth) return;
        await use((context) => provider.doHealth!(context), simulator);
      }),
  };
}

/** `doHealth` resolves, with a report whose status is `expected`. */
function reports(upstream: Options, name: string, setup: UpstreamSetup, expected: 'up' | 'down') {
  return healthCheck(upstream, name, setup, async (doHealth) => {
    const report = await resolveWithin(
      attempt(() => doHealth({ signal: AbortSignal.timeout(10_000) })),
      10_000,
      'doHealth()',
    );
    expectThat(
      report.status === expected,
      `expected doHealth() status '${expected}'; got ${describeReport(report)}.`,
    );
  });
}

/** An upstream that cannot be reached is a result ('down', with a reason), never a rejection. */
function unreachable(upstream: Options): ConformanceCheck {
  const name =
    'resolves doHealth with status down and a message when the upstream cannot be reached (when it has doHealth)';
  return healthCheck(upstream, name, { closed: true }, async (doHealth) => {
    const what = 'doHealth() against an upstream that refuses connections';
    const settled = await settleWithin(
      attempt(() => doHealth({ signal: AbortSignal.timeout(10_000) })),
      10_000,
      what,
    );
    if (settled.status === 'rejected') {
      fail(
        `${what} rejected with ${describeError(settled.reason)}; it must resolve with status 'down' and a message: an unreachable upstream is a health result, not an error.`,
      );
    }
    const report = settled.value;
    expectThat(
      report.status === 'down' && typeof report.message === 'string' && report.message.trim(),
      `${what}: expected status 'down' with a non-empty message an operator can act on; got ${describeReport(report)}.`,
    );
  });
}

/** Aborted while the upstream hangs, `doHealth` gives up at once with the signal's reason. */
function abortedWhileHanging(upstream: Options): ConformanceCheck {
  const name = `rejects doHealth with its signal's reason within ${PROMPT_MS} ms when aborted while the upstream hangs (when it has doHealth)`;
  const setup = { rules: [{ fault: { type: 'hang' } as const }] };
  return healthCheck(upstream, name, setup, async (doHealth, simulator) => {
    const controller = new AbortController();
    let settled = false;
    const pending = attempt(() => doHealth({ signal: controller.signal }));
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitUntil(() => settled || simulator.requests.length > 0, 2_000);
    if (settled) {
      const asked = simulator.requests.length > 0;
      const early = await settleWithin(pending, PROMPT_MS, 'doHealth()');
      // A report made without asking the upstream (health it cannot check) leaves nothing to abort.
      if (early.status === 'fulfilled' && !asked) return;
      const how =
        early.status === 'fulfilled'
          ? `resolved with ${describeReport(early.value)}`
          : `rejected with ${describeError(early.reason)}`;
      fail(
        `doHealth() ${how} before its signal aborted, while the upstream hung on every path; it must wait for the upstream or its signal.`,
      );
    }
    const reason = new Error('aborted by the conformance suite during doHealth');
    controller.abort(reason);
    const what = 'doHealth() after its signal aborted, the upstream hanging';
    const result = await settleWithin(pending, PROMPT_MS, what);
    if (result.status === 'fulfilled') {
      fail(
        `${what} resolved with ${describeReport(result.value)}; it must reject with signal.reason, so the caller sees a cancelled check, not an answer.`,
      );
    }
    expectThat(
      result.reason === reason,
      `${what} rejected with ${describeError(result.reason)}; expected the signal's reason itself (${describeError(reason)}).`,
    );
  });
}

/** What `doHealth` reports for a healthy, a failing and an unreachable upstream, and its abort. */
export function healthChecks(upstream: Options): ConformanceCheck[] {
  const failing = { rules: [{ fault: { type: 'status', status: 503 } as const }] };
  return [
    reports(
      upstream,
      'reports health up against a healthy upstream (when it has doHealth)',
      {},
      'up',
    ),
    reports(
      upstream,
      'reports health down when the upstream answers 503 on every path (when it has doHealth)',
      failing,
      'down',
    ),
    unreachable(upstream),
    abortedWhileHanging(upstream),
  ];
}
