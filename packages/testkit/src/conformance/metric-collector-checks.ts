import { createKernel, type Kernel, type MetricCollectorV1 } from '@loom/core';
import { createMockProvider } from '../mock-provider/create-mock-provider.js';
import { type MetricRecording, recordMetrics } from '../record-metrics.js';
import {
  attempt,
  type ConformanceCheck,
  delay,
  expectThat,
  fail,
  resolveWithin,
  waitUntil,
} from './check.js';
import { expectValidMetrics } from './expect-valid-metric.js';

/** Options of `metricCollectorChecks` and `testMetricCollector`. */
export interface MetricCollectorConformanceOptions {
  /** Makes a fresh collector; called once per check. */
  createCollector: () => MetricCollectorV1 | Promise<MetricCollectorV1>;
  /**
   * Generates activity once the kernel runs. The kernel serves alias `chat` from a mock provider
   * (`mock/mock-model`). Default: one chat and one fully read stream.
   */
  drive?: (kernel: Kernel) => Promise<void>;
  /** How long to wait for the first metric after `drive`; default 2 000 ms. */
  waitMs?: number;
  /** How long to watch for metrics after the kernel stopped; keep it over 2x any interval. Default 300 ms. */
  quietMs?: number;
}

interface Running {
  kernel: Kernel;
  collector: MetricCollectorV1;
  recording: MetricRecording;
  /** `listener:error` events the kernel reported for this collector (a throwing stop). */
  errors: unknown[];
}

async function defaultDrive(kernel: Kernel): Promise<void> {
  const messages = [{ role: 'user' as const, content: 'conformance traffic' }];
  await kernel.chat({ model: 'chat', messages });
  const stream = await kernel.stream({ model: 'chat', messages });
  for await (const _part of stream);
}

/** Starts a real kernel around the collector, drives it, runs `use`, and always stops it. */
async function withKernel(
  options: MetricCollectorConformanceOptions,
  use: (running: Running) => Promise<void>,
): Promise<void> {
  const collector = await options.createCollector();
  const kernel = createKernel({
    providers: [createMockProvider()],
    collectors: [collector],
    models: [{ name: 'chat', targets: ['mock/mock-model'] }],
    health: { intervalMs: 0 },
    telemetry: false,
  });
  const recording = recordMetrics(kernel.events);
  const errors: unknown[] = [];
  kernel.events.on('listener:error', ({ event, error }) => {
    if (event.startsWith(`collector:${collector.name}:`)) errors.push(error);
  });
  try {
    await kernel.start();
    await (options.drive ?? defaultDrive)(kernel);
    await use({ kernel, collector, recording, errors });
  } finally {
    await kernel.stop({ drainTimeoutMs: 1_000 }).catch(() => {});
    recording.stop();
  }
}

/**
 * The metric collector conformance checks, as plain functions (see `providerChecks`). Each runs
 * the collector inside a real kernel and reads what it emits from the kernel's `metric` event.
 */
export function metricCollectorChecks(
  options: MetricCollectorConformanceOptions,
): ConformanceCheck[] {
  const waitMs = options.waitMs ?? 2_000;
  const quietMs = options.quietMs ?? 300;
  const timeoutMs = waitMs + quietMs + 10_000;
  const firstMetric = (recording: MetricRecording) =>
    waitUntil(() => recording.metrics.length > 0, waitMs);
  return [
    {
      name: 'declares specificationVersion v1 and a name',
      timeoutMs,
      run: async () => {
        const collector = await options.createCollector();
        expectThat(
          collector.specificationVersion === 'v1',
          `specificationVersion is ${JSON.stringify(collector.specificationVersion)}; a MetricCollectorV1 must declare 'v1'.`,
        );
        expectThat(
          typeof collector.name === 'string' && collector.name.trim() !== '',
          `name is ${JSON.stringify(collector.name)}; it must be a non-empty string.`,
        );
        expectThat(typeof collector.start === 'function', 'start must be a function.');
        expectThat(typeof collector.stop === 'function', 'stop must be a function.');
      },
    },
    {
      name: 'emits valid metrics inside a running kernel',
      timeoutMs,
      run: () =>
        withKernel(options, async ({ recording }) => {
          if (!(await firstMetric(recording))) {
            fail(
              `emitted no metric within ${waitMs} ms of driving the kernel; emit through context.emit() (or raise waitMs / pass drive).`,
            );
          }
          expectValidMetrics(recording.metrics, 'metric event');
        }),
    },
    {
      name: 'emits nothing after the kernel stops',
      timeoutMs,
      run: () =>
        withKernel(options, async ({ kernel, recording }) => {
          await firstMetric(recording);
          await kernel.stop({ drainTimeoutMs: 1_000 });
          const count = recording.metrics.length;
          await delay(quietMs);
          const late = recording.metrics.length - count;
          expectThat(
            late === 0,
            `emitted ${late} metric(s) in the ${quietMs} ms after kernel.stop(); stop() must clear timers and listeners.`,
          );
        }),
    },
    {
      name: 'can be stopped twice',
      timeoutMs,
      run: () =>
        withKernel(options, async ({ kernel, collector, errors }) => {
          await kernel.stop({ drainTimeoutMs: 1_000 });
          expectThat(
            errors.length === 0,
            `stop() threw inside kernel.stop(): ${String(errors[0])}`,
          );
          await resolveWithin(
            attempt(async () => collector.stop()),
            5_000,
            'a second stop()',
          );
        }),
    },
    {
      name: 'returns valid metrics from collect() (when it has collect)',
      timeoutMs,
      run: () =>
        withKernel(options, async ({ collector }) => {
          if (!collector.collect) return;
          const metrics = await resolveWithin(
            attempt(async () => collector.collect!()),
            5_000,
            'collect()',
          );
          expectThat(Array.isArray(metrics), 'collect() must return an array of metrics.');
          expectValidMetrics(metrics, 'collect()');
        }),
    },
  ];
}
