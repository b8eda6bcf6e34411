import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from '@loom/core';
import {
  createMetricStore,
  metricNames,
  monitorPlugin,
  openSqlitePersistence,
} from '@loom/monitor';
import { createMockProvider } from '@loom/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const base = Date.UTC(2026, 0, 1);
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'loom-monitor-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('SQLite persistence', () => {
  it('writes 1 min and 1 h slots, reloads them after a restart, and drops rows past retention', async () => {
    const path = join(directory, 'metrics.db');
    let now = base + 2 * 3_600_000;
    const first = createMetricStore({ now: () => now });
    const values: number[] = [];
    for (let index = 0; index < 600; index++) {
      const value = 0.05 + (index % 37) / 10;
      values.push(value);
      first.record({
        name: metricNames.OPERATION_DURATION,
        kind: 'histogram',
        unit: 's',
        value,
        attributes: { 'gen_ai.provider.name': 'a' },
        timestamp: base + 3_600_000 + index * 1_000,
      });
    }
    const persistence = await openSqlitePersistence({ path });
    expect(persistence.flush(first, now)).toBeGreaterThan(10);
    // Nothing changed since: nothing rewritten.
    expect(persistence.flush(first, now)).toBe(0);
    persistence.close();

    const reopened = await openSqlitePersistence({ path });
    const second = createMetricStore({ now: () => now });
    expect(reopened.load(second, now)).toBeGreaterThan(10);
    const range = { name: metricNames.OPERATION_DURATION, from: base, to: now };
    const before = first.query({ ...range, resolution: '1m' });
    const after = second.query({ ...range, resolution: '1m' });
    expect(after).toEqual(before);
    expect(after.count).toBe(600);
    expect(second.query({ ...range, resolution: '1h' })).toMatchObject({
      count: 600,
      p99: before.p99,
    });
    expect(second.listSeries()[0]).toMatchObject({
      unit: 's',
      attributes: { 'gen_ai.provider.name': 'a' },
    });

    // Eight days later every row is past retention and is deleted on flush.
    now = base + 8 * 86_400_000;
    reopened.flush(second, now);
    const empty = createMetricStore({ now: () => now });
    expect(reopened.load(empty, now)).toBe(0);
    reopened.close();
  });

  it('keeps monitorPlugin history across a kernel restart', async () => {
    const path = join(directory, 'plugin.db');
    const start = async () => {
      const monitor = monitorPlugin({
        collectors: { system: false },
        persistence: { sqlite: path, flushIntervalMs: 60_000 },
      });
      const kernel = createKernel({
        providers: [createMockProvider({ id: 'steady' })],
        models: [{ name: 'chat', targets: ['steady/mock-model'] }],
        plugins: [monitor],
        health: { intervalMs: 0 },
        telemetry: false,
      });
      await kernel.start();
      return { monitor, kernel };
    };
    const messages = [{ role: 'user' as const, content: 'remember me' }];
    const one = await start();
    for (let index = 0; index < 3; index++) await one.kernel.chat({ model: 'chat', messages });
    await one.kernel.stop({ drainTimeoutMs: 1_000 });

    const two = await start();
    try {
      const range = {
        from: Date.now() - 3_600_000,
        to: Date.now() + 60_000,
        resolution: '1m' as const,
      };
      expect(two.monitor.store.query({ ...range, name: metricNames.REQUESTS }).sum).toBe(3);
      expect(
        two.monitor.store.query({ ...range, name: metricNames.OPERATION_DURATION }).count,
      ).toBe(3);
    } finally {
      await two.kernel.stop({ drainTimeoutMs: 1_000 });
    }
  });
});
