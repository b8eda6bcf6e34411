import { createKernel, type Metric } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { createInMemoryMetricCollector } from '../src/create-in-memory-metric-collector.js';
import { createMockProvider } from '../src/mock-provider/create-mock-provider.js';
import { recordMetrics } from '../src/record-metrics.js';
import { wait } from './helpers.js';

const metric = (value: number): Metric => ({
  name: 'test.value',
  value,
  kind: 'gauge',
  timestamp: Date.now(),
  attributes: { source: 'test' },
});

function kernelWith(collector: ReturnType<typeof createInMemoryMetricCollector>) {
  return createKernel({
    providers: [createMockProvider()],
    collectors: [collector],
    health: { intervalMs: 0 },
  });
}

describe('createInMemoryMetricCollector', () => {
  it('throws a clear error when pushed before start', () => {
    const collector = createInMemoryMetricCollector({ name: 'idle' });
    expect(() => collector.push(metric(1))).toThrow(/'idle' is not started/);
  });

  it('emits pushed metrics through the kernel and remembers the last batch', async () => {
    const collector = createInMemoryMetricCollector();
    const kernel = kernelWith(collector);
    const recording = recordMetrics(kernel.events);
    await kernel.start();
    expect(collector).toMatchObject({ startCount: 1, running: true, name: 'in-memory' });
    collector.push(metric(1), metric(2));
    collector.push(metric(3));
    expect(recording.metrics.map((m) => m.value)).toEqual([1, 2, 3]);
    expect(collector.collect().map((m) => m.value)).toEqual([3]);
    await kernel.stop();
    expect(collector).toMatchObject({ stopCount: 1, running: false });
    expect(() => collector.push(metric(4))).toThrow(/not started/);
    recording.stop();
  });

  it('samples on an interval while started, and not after stop', async () => {
    let n = 0;
    const collector = createInMemoryMetricCollector({
      intervalMs: 10,
      sample: () => [metric(++n)],
    });
    const kernel = kernelWith(collector);
    const recording = recordMetrics(kernel.events);
    await kernel.start();
    await expect.poll(() => recording.metrics.length, { timeout: 2_000 }).toBeGreaterThan(1);
    await kernel.stop();
    const count = recording.metrics.length;
    await wait(60);
    expect(recording.metrics.length).toBe(count);
    await collector.stop();
    expect(collector.stopCount).toBe(2);
  });

  it('recordMetrics stops recording on stop()', async () => {
    const collector = createInMemoryMetricCollector();
    const kernel = kernelWith(collector);
    const recording = recordMetrics(kernel.events);
    await kernel.start();
    collector.push(metric(1));
    recording.stop();
    collector.push(metric(2));
    expect(recording.metrics).toHaveLength(1);
    await kernel.stop();
  });
});
