import { type Alert, createKernel } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { createInMemoryAlertSink } from '../src/create-in-memory-alert-sink.js';
import { wait } from './helpers.js';

const alert = (state: Alert['state'] = 'firing'): Alert => ({
  id: 'a1',
  rule: 'provider-down',
  severity: 'critical',
  state,
  message: 'mock is down',
  labels: { provider: 'mock' },
  timestamp: 1,
});
const signal = () => new AbortController().signal;

describe('createInMemoryAlertSink', () => {
  it('stores delivered alerts and counts attempts', async () => {
    const sink = createInMemoryAlertSink();
    expect(sink).toMatchObject({ specificationVersion: 'v1', name: 'in-memory' });
    await sink.doSend(alert(), { signal: signal() });
    await sink.doSend(alert('resolved'), { signal: signal() });
    expect(sink.alerts.map((a) => a.state)).toEqual(['firing', 'resolved']);
    expect(sink.attempts).toBe(2);
    sink.reset();
    expect(sink.alerts).toHaveLength(0);
    expect(sink.attempts).toBe(0);
  });

  it('fails the first N deliveries, or all of them', async () => {
    const flaky = createInMemoryAlertSink({ failTimes: 2 });
    await expect(flaky.doSend(alert(), { signal: signal() })).rejects.toThrow('told to fail');
    await expect(flaky.doSend(alert(), { signal: signal() })).rejects.toThrow('told to fail');
    await flaky.doSend(alert(), { signal: signal() });
    expect(flaky.alerts).toHaveLength(1);
    expect(flaky.attempts).toBe(3);
    const broken = createInMemoryAlertSink({ fail: true, name: 'broken' });
    await expect(broken.doSend(alert(), { signal: signal() })).rejects.toThrow("'broken'");
    expect(broken.alerts).toHaveLength(0);
  });

  it('honours the abort signal, also when already aborted', async () => {
    const sink = createInMemoryAlertSink({ delayMs: 10_000 });
    const aborted = new AbortController();
    aborted.abort(new Error('too late'));
    await expect(sink.doSend(alert(), { signal: aborted.signal })).rejects.toThrow('too late');
    const controller = new AbortController();
    const pending = sink.doSend(alert(), { signal: controller.signal });
    await wait(20);
    controller.abort(new Error('timeout'));
    await expect(pending).rejects.toThrow('timeout');
    expect(sink.alerts).toHaveLength(0);
    expect(sink.attempts).toBe(2);
  });

  it('closes idempotently', async () => {
    const sink = createInMemoryAlertSink();
    await sink.close();
    await sink.close();
    expect(sink.closed).toBe(true);
    expect(sink.closeCount).toBe(2);
  });

  it('receives kernel alerts, retried by the kernel after failures', async () => {
    const sink = createInMemoryAlertSink({ failTimes: 1 });
    const kernel = createKernel({ alertSinks: [sink], health: { intervalMs: 0 } });
    await kernel.start();
    kernel.alert(alert());
    await kernel.stop();
    expect(sink.attempts).toBe(2);
    expect(sink.alerts).toEqual([alert()]);
    expect(sink.closed).toBe(true);
  });
});
