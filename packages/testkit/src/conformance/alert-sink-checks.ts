import { type Alert, type AlertSinkV1, createKernel } from '@loom/core';
import {
  attempt,
  type ConformanceCheck,
  describeError,
  expectThat,
  fail,
  rejectWithin,
  resolveWithin,
  waitUntil,
} from './check.js';

/** Options of `alertSinkChecks` and `testAlertSink`. */
export interface AlertSinkConformanceOptions {
  /** Makes a fresh sink; called once per check and closed after it. */
  createSink: () => AlertSinkV1 | Promise<AlertSinkV1>;
  /** Reads back what reached the destination (the last sink made); enables read-back checks. */
  received?: () => readonly Alert[] | PromiseLike<readonly Alert[]>;
  /** Limit for one `doSend` or `close`; default 5 000 ms. */
  timeoutMs?: number;
  /** How long a delivery through the kernel may take to arrive; default 2 000 ms. */
  waitMs?: number;
}

/** An alert with an id unique to this check run, so leftovers of other checks never match. */
function sampleAlert(id: string, state: Alert['state']): Alert {
  return {
    id,
    rule: 'loom-conformance',
    severity: 'warning',
    state,
    message: `Loom conformance alert (${state}).`,
    labels: { source: '@loom/testkit' },
    value: 0.8,
    timestamp: Date.now(),
  };
}

const uniqueId = () => `conformance-${Date.now()}-${Math.random().toString(36).slice(2)}`;

function has(alerts: readonly Alert[], id: string, state: Alert['state']): boolean {
  return alerts.some((alert) => alert.id === id && alert.state === state);
}

async function withSink(
  options: AlertSinkConformanceOptions,
  use: (sink: AlertSinkV1) => Promise<void>,
  { close = true }: { close?: boolean } = {},
): Promise<void> {
  const sink = await options.createSink();
  try {
    await use(sink);
  } finally {
    if (close && sink.close) await attempt(() => sink.close!()).catch(() => {});
  }
}

/**
 * Delivers through a real kernel. Without `received`, the sink is observed through a thin
 * wrapper: the alert counts as arrived once the sink's own `doSend` resolved for it.
 */
async function deliverThroughKernel(options: AlertSinkConformanceOptions, waitMs: number) {
  const sink = await options.createSink();
  const delivered: Alert[] = [];
  const observed: AlertSinkV1 = {
    specificationVersion: sink.specificationVersion,
    name: sink.name,
    doSend: async (alert, context) => {
      await sink.doSend(alert, context);
      delivered.push(alert);
    },
    close: async () => sink.close?.(),
  };
  const kernel = createKernel({
    alertSinks: [observed],
    health: { intervalMs: 0 },
    telemetry: false,
  });
  const failures: unknown[] = [];
  kernel.events.on('alert:delivery-failed', ({ error }) => failures.push(error));
  const id = uniqueId();
  try {
    await kernel.start();
    kernel.alert(sampleAlert(id, 'firing'));
    const read = async () => (options.received ? await options.received() : delivered);
    const arrived = await waitUntil(async () => has(await read(), id, 'firing'), waitMs);
    if (!arrived) {
      const why = failures.length ? ` Delivery failed: ${describeError(failures[0])}` : '';
      fail(`an alert raised with kernel.alert() did not reach the sink within ${waitMs} ms.${why}`);
    }
  } finally {
    await kernel.stop({ drainTimeoutMs: 1_000 }).catch(() => {});
  }
}

/** The alert sink conformance checks, as plain functions (see `providerChecks`). */
export function alertSinkChecks(options: AlertSinkConformanceOptions): ConformanceCheck[] {
  const timeout = options.timeoutMs ?? 5_000;
  const waitMs = options.waitMs ?? 2_000;
  const timeoutMs = timeout * 3 + waitMs + 5_000;
  const send = (sink: AlertSinkV1, alert: Alert) =>
    resolveWithin(
      attempt(() => sink.doSend(alert, { signal: AbortSignal.timeout(timeout) })),
      timeout,
      `doSend() of a ${alert.state} alert`,
    );
  const checks: ConformanceCheck[] = [
    {
      name: 'declares specificationVersion v1 and a name',
      run: () =>
        withSink(options, async (sink) => {
          expectThat(
            sink.specificationVersion === 'v1',
            `specificationVersion is ${JSON.stringify(sink.specificationVersion)}; an AlertSinkV1 must declare 'v1'.`,
          );
          expectThat(
            typeof sink.name === 'string' && sink.name.trim() !== '',
            `name is ${JSON.stringify(sink.name)}; it must be a non-empty string.`,
          );
          expectThat(typeof sink.doSend === 'function', 'doSend must be a function.');
        }),
    },
    {
      name: 'delivers a firing and a resolved alert',
      run: () =>
        withSink(options, async (sink) => {
          const id = uniqueId();
          await send(sink, sampleAlert(id, 'firing'));
          await send(sink, sampleAlert(id, 'resolved'));
        }),
    },
    {
      name: 'rejects doSend promptly when the signal is already aborted',
      run: () =>
        withSink(options, async (sink) => {
          const controller = new AbortController();
          controller.abort(new Error('aborted by the conformance suite before the call'));
          const pending = attempt(() =>
            sink.doSend(sampleAlert(uniqueId(), 'firing'), { signal: controller.signal }),
          );
          await rejectWithin(pending, 1_000, 'doSend() with an already-aborted signal');
        }),
    },
    {
      name: 'can be closed twice (when it has close)',
      run: () =>
        withSink(
          options,
          async (sink) => {
            if (!sink.close) return;
            await resolveWithin(
              attempt(() => sink.close!()),
              timeout,
              'the first close()',
            );
            await resolveWithin(
              attempt(() => sink.close!()),
              timeout,
              'a second close()',
            );
          },
          { close: false },
        ),
    },
    {
      name: 'receives alerts raised through kernel.alert()',
      run: () => deliverThroughKernel(options, waitMs),
    },
  ];
  const received = options.received;
  if (received) {
    checks.splice(2, 0, {
      name: 'delivered alerts arrive with their id and state',
      run: () =>
        withSink(options, async (sink) => {
          const id = uniqueId();
          await send(sink, sampleAlert(id, 'firing'));
          await send(sink, sampleAlert(id, 'resolved'));
          const read = async () =>
            resolveWithin(
              attempt(async () => received()),
              timeout,
              'received()',
            );
          const both = async () => {
            const alerts = await read();
            return has(alerts, id, 'firing') && has(alerts, id, 'resolved');
          };
          if (!(await waitUntil(both, waitMs))) {
            const alerts = await read();
            fail(
              `the firing and resolved alert '${id}' were not both found by received() within ${waitMs} ms; it returned ${alerts.length} alert(s): ${describeError(alerts.map((a) => `${a.id}:${a.state}`))}.`,
            );
          }
        }),
    });
  }
  return checks.map((check) => ({ ...check, timeoutMs }));
}
