import type { Alert } from '@loom/core';
import { ConfigError } from '@loom/core';
import { type AlertRuleConfig, createAlertManager, createMetricStore } from '@loom/monitor';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const start = Date.UTC(2026, 0, 1);

const highLatency: AlertRuleConfig = {
  name: 'high-latency',
  severity: 'critical',
  labels: { team: 'llm' },
  forMs: 30_000,
  repeatIntervalMs: 120_000,
  condition: {
    type: 'threshold',
    query: { name: 'latency' },
    windowMs: 10_000,
    aggregate: 'avg',
    operator: '>',
    value: 1,
  },
};

function setup(rules: AlertRuleConfig[] = [highLatency]) {
  const store = createMetricStore({ now: Date.now });
  const sent: Alert[] = [];
  const manager = createAlertManager({
    store,
    rules,
    send: (alert) => sent.push(alert),
    intervalMs: 5_000,
  });
  // A value every second while `level` says so, as a collector would.
  let level: number | undefined = 0.1;
  const feeder = setInterval(() => {
    if (level !== undefined)
      store.record({ name: 'latency', kind: 'gauge', value: level, timestamp: Date.now() });
  }, 1_000);
  manager.start();
  return {
    manager,
    sent,
    setLevel: (value: number | undefined) => {
      level = value;
    },
    stop: () => {
      clearInterval(feeder);
      manager.stop();
    },
  };
}

describe('AlertManager', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: start });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires only after the condition held for the for-duration, once, then resolves', () => {
    const { sent, setLevel, stop } = setup();
    vi.advanceTimersByTime(20_000);
    setLevel(5);
    vi.advanceTimersByTime(20_000);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(30_000);
    expect(sent.map((alert) => alert.state)).toEqual(['firing']);
    expect(sent[0]).toMatchObject({
      rule: 'high-latency',
      severity: 'critical',
      labels: { team: 'llm' },
    });
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(1);
    setLevel(0.1);
    vi.advanceTimersByTime(20_000);
    expect(sent.map((alert) => alert.state)).toEqual(['firing', 'resolved']);
    expect(sent[1]!.id).toBe(sent[0]!.id);
    stop();
  });

  it('does not fire when the condition clears before the for-duration', () => {
    const { sent, setLevel, stop } = setup();
    setLevel(5);
    vi.advanceTimersByTime(25_000);
    setLevel(0.1);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(0);
    stop();
  });

  it('repeats a firing alert every repeat interval with the same id', () => {
    const { sent, setLevel, stop } = setup();
    setLevel(5);
    vi.advanceTimersByTime(50_000);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(120_000);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(120_000);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((alert) => alert.id)).size).toBe(1);
    stop();
  });

  it('sends nothing while silenced, and fires once the silence ends', () => {
    const { manager, sent, setLevel, stop } = setup();
    manager.silence({
      matchers: [{ label: 'team', value: 'l.m', regex: true }],
      startsAt: start,
      endsAt: start + 100_000,
    });
    setLevel(5);
    vi.advanceTimersByTime(95_000);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(10_000);
    expect(sent.map((alert) => alert.state)).toEqual(['firing']);
    stop();
  });

  it('fires an absence rule when data stops', () => {
    const absence: AlertRuleConfig = {
      name: 'no-latency',
      condition: { type: 'absence', query: { name: 'latency' }, windowMs: 10_000 },
    };
    const { sent, setLevel, stop } = setup([absence]);
    vi.advanceTimersByTime(30_000);
    setLevel(undefined);
    vi.advanceTimersByTime(20_000);
    expect(sent.map((alert) => [alert.rule, alert.state])).toEqual([['no-latency', 'firing']]);
    stop();
  });

  it('fires a rate-of-change rule on a jump against the previous window', () => {
    const jump: AlertRuleConfig = {
      name: 'latency-jump',
      condition: {
        type: 'rate-of-change',
        query: { name: 'latency' },
        windowMs: 10_000,
        aggregate: 'avg',
        operator: '>',
        value: 1,
      },
    };
    const { sent, setLevel, stop } = setup([jump]);
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(0);
    setLevel(1);
    vi.advanceTimersByTime(10_000);
    expect(sent.map((alert) => alert.state)).toEqual(['firing']);
    stop();
  });

  it('keeps one alert per group and labels it with the group', () => {
    const store = createMetricStore({ now: Date.now });
    const sent: Alert[] = [];
    const manager = createAlertManager({
      store,
      send: (alert) => sent.push(alert),
      rules: [
        {
          name: 'errors',
          condition: {
            type: 'threshold',
            query: { name: 'errors' },
            windowMs: 60_000,
            aggregate: 'sum',
            operator: '>=',
            value: 1,
            groupBy: ['provider'],
          },
        },
      ],
    });
    for (const provider of ['a', 'b', 'a'])
      store.record({
        name: 'errors',
        kind: 'counter',
        value: 1,
        attributes: { provider },
        timestamp: Date.now(),
      });
    manager.evaluate();
    manager.evaluate();
    expect(sent.map((alert) => alert.labels.provider).sort()).toEqual(['a', 'b']);
  });

  it('rejects a bad rule with a ConfigError naming the path', () => {
    const store = createMetricStore();
    const bad = {
      name: 'x',
      condition: {
        type: 'threshold',
        query: { name: 'y' },
        windowMs: -1,
        aggregate: 'avg',
        operator: '>',
        value: 1,
      },
    };
    expect(() =>
      createAlertManager({ store, send: () => {}, rules: [bad as AlertRuleConfig] }),
    ).toThrowError(expect.objectContaining({ path: 'alerts.rules.0.condition.windowMs' }));
    expect(() =>
      createAlertManager({ store, send: () => {}, rules: [bad as AlertRuleConfig] }),
    ).toThrow(ConfigError);
  });
});
