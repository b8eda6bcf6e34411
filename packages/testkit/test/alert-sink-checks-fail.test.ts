import type { Alert, AlertSinkV1 } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { alertSinkChecks } from '../src/conformance/alert-sink-checks.js';
import { createInMemoryAlertSink } from '../src/create-in-memory-alert-sink.js';
import { checkNamed } from './helpers.js';

const READ_BACK = 'delivered alerts arrive with their id and state';
const KERNEL = 'receives alerts raised through kernel.alert()';
const ABORTED = 'rejects doSend promptly when the signal is already aborted';

/** Checks against sinks that store into `stored`, with the given `doSend` and overrides. */
function checks(
  doSend: (alert: Alert, stored: Alert[], signal: AbortSignal) => Promise<void>,
  overrides: Partial<AlertSinkV1> = {},
) {
  let stored: Alert[] = [];
  return alertSinkChecks({
    createSink: () => {
      stored = [];
      return {
        specificationVersion: 'v1',
        name: 'under-test',
        doSend: (alert, context) => doSend(alert, stored, context.signal),
        ...overrides,
      };
    },
    received: () => stored,
    timeoutMs: 1_000,
    waitMs: 1_000,
  });
}

const honest = async (alert: Alert, stored: Alert[], signal: AbortSignal) => {
  signal.throwIfAborted();
  stored.push(alert);
};

describe('alert sink checks fail on broken sinks', () => {
  it('pass on a correct sink, so each failure below is specific', async () => {
    for (const check of checks(honest)) await check.run();
  });

  it('rejects a wrong specification version', async () => {
    const list = checks(honest, { specificationVersion: 'v2' as 'v1' });
    const check = checkNamed(list, 'declares specificationVersion v1 and a name');
    await expect(check.run()).rejects.toThrow(/"v2"/);
  });

  it('rejects a sink that ignores an aborted signal, resolving or hanging', async () => {
    const deaf = checks(async (alert, stored) => {
      stored.push(alert);
    });
    await expect(checkNamed(deaf, ABORTED).run()).rejects.toThrow(/resolved, but it must reject/);
    const hanging = checks(() => new Promise(() => {}));
    await expect(checkNamed(hanging, ABORTED).run()).rejects.toThrow(/within 1000 ms/);
  });

  it('rejects a sink that never stores what it accepted', async () => {
    const forgetful = checks(async () => {});
    await expect(checkNamed(forgetful, READ_BACK).run()).rejects.toThrow(/not both found/);
    await expect(checkNamed(forgetful, KERNEL).run()).rejects.toThrow(/did not reach the sink/);
    const firingOnly = checks(async (alert, stored) => {
      if (alert.state === 'firing') stored.push(alert);
    });
    await expect(checkNamed(firingOnly, READ_BACK).run()).rejects.toThrow(/returned 1 alert/);
  });

  it('rejects a sink whose deliveries fail, naming the failure', async () => {
    const list = alertSinkChecks({
      createSink: () => createInMemoryAlertSink({ fail: true }),
      waitMs: 1_500,
    });
    await expect(checkNamed(list, 'delivers a firing and a resolved alert').run()).rejects.toThrow(
      /doSend\(\) of a firing alert rejected/,
    );
    await expect(checkNamed(list, KERNEL).run()).rejects.toThrow(
      /Delivery failed: Error: Alert sink/,
    );
  });

  it('rejects a sink whose second close() fails', async () => {
    let closes = 0;
    const list = checks(honest, {
      close: async () => {
        closes += 1;
        if (closes > 1) throw new Error('closed twice');
      },
    });
    const check = checkNamed(list, 'can be closed twice (when it has close)');
    await expect(check.run()).rejects.toThrow(/a second close\(\) rejected/);
  });

  it('leaves out the read-back check without received()', () => {
    const names = alertSinkChecks({ createSink: () => createInMemoryAlertSink() }).map(
      (c) => c.name,
    );
    expect(names).not.toContain(READ_BACK);
    expect(names).toContain(KERNEL);
  });
});
