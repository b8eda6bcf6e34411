import type { CollectorContext, Metric, MetricCollectorV1 } from '@loom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { metricCollectorChecks } from '../src/conformance/metric-collector-checks.js';
import { checkNamed } from './helpers.js';

const good = (): Metric => ({
  name: 'test.metric',
  value: 1,
  kind: 'counter',
  timestamp: Date.now(),
});
const timers = new Set<ReturnType<typeof setInterval>>();
afterEach(() => {
  for (const timer of timers) clearInterval(timer);
  timers.clear();
});

/**
 * A collector that emits `sample()` every 20 ms. `leaky` forgets to clear its timer on stop,
 * the classic bug the "nothing after stop" check exists for.
 */
function collector(
  options: { sample?: () => unknown[]; leaky?: boolean; overrides?: Record<string, unknown> } = {},
): () => MetricCollectorV1 {
  return () => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const base: MetricCollectorV1 = {
      specificationVersion: 'v1',
      name: 'under-test',
      start(context: CollectorContext) {
        timer = setInterval(
          () => context.emit((options.sample ?? (() => [good()]))() as Metric[]),
          20,
        );
        timers.add(timer);
      },
      stop() {
        if (!options.leaky && timer) clearInterval(timer);
      },
      collect: () => [good()],
    };
    return { ...base, ...options.overrides } as MetricCollectorV1;
  };
}

const checks = (make: () => MetricCollectorV1) =>
  metricCollectorChecks({
    createCollector: make,
    drive: async () => {},
    waitMs: 1_000,
    quietMs: 150,
  });

const EMITS = 'emits valid metrics inside a running kernel';

describe('metric collector checks fail on broken collectors', () => {
  it('pass on a correct collector, so each failure below is specific', async () => {
    for (const check of checks(collector())) await check.run();
  });

  it('rejects a wrong specification version and a missing name', async () => {
    const v2 = collector({ overrides: { specificationVersion: 'v2' } });
    const name = 'declares specificationVersion v1 and a name';
    await expect(checkNamed(checks(v2), name).run()).rejects.toThrow(/"v2"/);
    const nameless = collector({ overrides: { name: ' ' } });
    await expect(checkNamed(checks(nameless), name).run()).rejects.toThrow(/name is " "/);
  });

  it('rejects a collector that keeps emitting after stop', async () => {
    const check = checkNamed(
      checks(collector({ leaky: true })),
      'emits nothing after the kernel stops',
    );
    await expect(check.run()).rejects.toThrow(/metric\(s\) in the 150 ms after kernel.stop\(\)/);
  });

  it('rejects NaN values, unknown kinds and object attributes', async () => {
    const nan = collector({ sample: () => [{ ...good(), value: Number.NaN }] });
    await expect(checkNamed(checks(nan), EMITS).run()).rejects.toThrow(/value: .*received NaN/);
    const kind = collector({ sample: () => [{ ...good(), kind: 'summary' }] });
    await expect(checkNamed(checks(kind), EMITS).run()).rejects.toThrow(/kind: Invalid option/);
    const attributes = collector({ sample: () => [{ ...good(), attributes: { nested: {} } }] });
    await expect(checkNamed(checks(attributes), EMITS).run()).rejects.toThrow(
      /attributes\.nested: /,
    );
    const unnamed = collector({ sample: () => [{ ...good(), name: '' }] });
    await expect(checkNamed(checks(unnamed), EMITS).run()).rejects.toThrow(/name: Too small/);
  });

  it('rejects a collector that emits nothing', async () => {
    const mute = collector({ overrides: { start() {} } });
    await expect(checkNamed(checks(mute), EMITS).run()).rejects.toThrow(
      /emitted no metric within 1000 ms/,
    );
  });

  it('rejects a stop() that throws, inside the kernel or the second time', async () => {
    const name = 'can be stopped twice';
    const throwing = collector({
      overrides: {
        stop() {
          throw new Error('stop failed');
        },
      },
    });
    await expect(checkNamed(checks(throwing), name).run()).rejects.toThrow(
      /threw inside kernel.stop\(\)/,
    );
    let stops = 0;
    const once = collector({
      overrides: {
        stop() {
          stops += 1;
          if (stops > 1) throw new Error('stopped already');
        },
      },
    });
    await expect(checkNamed(checks(once), name).run()).rejects.toThrow(
      /a second stop\(\) rejected/,
    );
  });

  it('rejects invalid metrics from collect()', async () => {
    const bad = collector({
      overrides: { collect: () => [{ name: 'x', value: 1, kind: 'gauge' }] },
    });
    const check = checkNamed(
      checks(bad),
      'returns valid metrics from collect() (when it has collect)',
    );
    await expect(check.run()).rejects.toThrow(/collect\(\): metric #0 is invalid: timestamp/);
  });
});
