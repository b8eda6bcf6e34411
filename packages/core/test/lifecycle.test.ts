import { describe, expect, it } from 'vitest';
import {
  type Alert,
  type AlertSinkV1,
  type CollectorContext,
  createKernel,
  type HealthReport,
  type Metric,
  type MetricCollectorV1,
} from '../src/index.js';
import { fakeProvider, reply, wait } from './fixtures/fake-provider.js';

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };
const slow = (ms: number) => async (_request: unknown, context: { signal: AbortSignal }) => {
  await wait(ms, context.signal);
  return reply('done');
};

const alert = (state: Alert['state'] = 'firing'): Alert => ({
  id: 'a-1',
  rule: 'provider-down',
  severity: 'critical',
  state,
  message: 'provider a is down',
  labels: { provider: 'a' },
  timestamp: 1,
});

describe('kernel lifecycle', () => {
  it('stop() drains in-flight requests under load, then refuses new ones (kernel_stopped)', async () => {
    // Slow enough that all 50 are in flight together even on a busy machine.
    const provider = fakeProvider('a', { chat: Array.from({ length: 50 }, () => slow(1_000)) });
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    await kernel.start();
    const pending = Array.from({ length: 50 }, () => kernel.chat(ask));
    await expect.poll(() => kernel.stats().requests.inFlight, { interval: 5 }).toBe(50);
    const stops: unknown[] = [];
    kernel.events.on('kernel:stop', (event) => stops.push(event));
    await kernel.stop({ drainTimeoutMs: 5_000 });
    const results = await Promise.allSettled(pending);
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(stops).toEqual([{ timestamp: expect.any(Number), drained: true, abandoned: 0 }]);
    expect(provider.closed).toBe(1);
    await expect(kernel.chat(ask)).rejects.toMatchObject({
      code: 'kernel_stopped',
      statusCode: 503,
    });
    await expect(kernel.start()).rejects.toMatchObject({ code: 'kernel_stopped' });
  });

  it('aborts what is still running at the drain deadline, and the provider sees the abort', async () => {
    const provider = fakeProvider('a', { chat: [slow(10_000)] });
    const kernel = createKernel({
      providers: [provider],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const pending = kernel.chat(ask);
    await wait(10, new AbortController().signal);
    const rejected = expect(pending).rejects.toMatchObject({
      code: 'kernel_stopped',
      message: expect.stringContaining('drain deadline'),
    });
    await kernel.stop({ drainTimeoutMs: 30 });
    await rejected;
    expect(provider.calls[0]?.aborted).toBe(true);
  });

  it('refuses new requests while draining', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a', { chat: [slow(50)] })],
      defaultProvider: 'a',
    });
    const first = kernel.chat({ ...ask, model: 'm' });
    await wait(5, new AbortController().signal);
    const stopping = kernel.stop();
    expect(kernel.state).toBe('stopping');
    await expect(kernel.chat({ ...ask, model: 'm' })).rejects.toMatchObject({
      code: 'kernel_stopped',
    });
    await Promise.all([first, stopping]);
  });

  it('starts and stops collectors, and routes their metrics to the metric event', async () => {
    const log: string[] = [];
    let context: CollectorContext | undefined;
    const collector: MetricCollectorV1 = {
      specificationVersion: 'v1',
      name: 'probe',
      start(given) {
        context = given;
        log.push('start');
      },
      stop: () => void log.push('stop'),
    };
    const kernel = createKernel({ collectors: [collector] });
    const received: Metric[] = [];
    kernel.events.on('metric', (metrics) => received.push(...metrics));
    await kernel.start();
    const metric: Metric = {
      name: 'process.memory.rss',
      value: 1,
      kind: 'gauge',
      unit: 'By',
      timestamp: 1,
    };
    context?.emit(metric);
    context?.emit([metric, metric]);
    await kernel.stop();
    expect(log).toEqual(['start', 'stop']);
    expect(received).toHaveLength(3);
  });

  it('fails start when a collector cannot start, and stops only collectors that started', async () => {
    const log: string[] = [];
    const collector = (name: string, fails = false): MetricCollectorV1 => ({
      specificationVersion: 'v1',
      name,
      start() {
        if (fails) throw new Error('no /proc here');
        log.push(`start ${name}`);
      },
      stop: () => void log.push(`stop ${name}`),
    });
    const kernel = createKernel({
      collectors: [collector('ok'), collector('broken', true), collector('never')],
    });
    await expect(kernel.start()).rejects.toMatchObject({
      code: 'plugin_error',
      message: "Plugin 'broken': metric collector failed to start",
    });
    expect(log).toEqual(['start ok', 'stop ok']);
    const idle = createKernel({ collectors: [collector('idle')] });
    await idle.stop();
    expect(log).toEqual(['start ok', 'stop ok']);
  });

  it('runs active health checks on an interval and stops them on stop()', async () => {
    let checks = 0;
    const health = async (): Promise<HealthReport> => {
      checks += 1;
      return checks === 1
        ? { status: 'up', checkedAt: Date.now() }
        : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:11434'));
    };
    const kernel = createKernel({
      providers: [fakeProvider('ollama', { health })],
      health: { intervalMs: 20 },
    });
    const events: string[] = [];
    kernel.events.on('provider:health', (event) =>
      events.push(`${event.previous ?? '-'}>${event.report.status}`),
    );
    await kernel.start();
    await expect.poll(() => events.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(3);
    expect(events.slice(0, 3)).toEqual(['->up', 'up>down', 'down>down']);
    expect(kernel.health()[0]?.report).toMatchObject({
      status: 'down',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    await kernel.stop();
    const after = checks;
    await wait(80, new AbortController().signal);
    expect(checks).toBe(after);
  });

  it('delivers alerts to every sink, retries failures, counts them, and never throws', async () => {
    const delivered: Alert[] = [];
    let failures = 0;
    const good: AlertSinkV1 = {
      specificationVersion: 'v1',
      name: 'memory',
      doSend: async (a) => void delivered.push(a),
    };
    const flaky: AlertSinkV1 = {
      specificationVersion: 'v1',
      name: 'webhook',
      doSend: async () => {
        failures += 1;
        throw new Error('HTTP 500');
      },
    };
    const kernel = createKernel({ alertSinks: [good, flaky] });
    const failed: string[] = [];
    const fired: string[] = [];
    kernel.events.on('alert:delivery-failed', (event) =>
      failed.push(`${event.sink} x${event.attempts}`),
    );
    kernel.events.on('alert:firing', (a) => fired.push(a.rule));
    kernel.alert(alert());
    kernel.alert(alert('resolved'));
    await kernel.stop();
    expect(delivered.map((a) => a.state)).toEqual(['firing', 'resolved']);
    expect(fired).toEqual(['provider-down']);
    expect(failures).toBe(6);
    expect(failed).toEqual(['webhook x3', 'webhook x3']);
    expect(kernel.stats().alerts).toEqual({ sent: 2, deliveryFailures: 2 });
  });

  it('keeps two kernels in one process apart', async () => {
    const one = createKernel({
      providers: [fakeProvider('a')],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const two = createKernel({
      providers: [fakeProvider('a')],
      models: [{ name: 'chat', targets: ['a/x'] }],
    });
    const seenByTwo: string[] = [];
    two.events.on('request:start', (event) => seenByTwo.push(event.requestId));
    await one.chat(ask);
    await one.chat(ask);
    expect(seenByTwo).toEqual([]);
    expect(one.stats().requests.total).toBe(2);
    expect(two.stats().requests.total).toBe(0);
    await two.start();
    expect(two.aliases()[0]?.deployments[0]?.id).toBe('a/x');
    await one.stop();
    expect(two.state).toBe('running');
    await expect(two.chat(ask)).resolves.toBeDefined();
  });

  it('names the config path of a bad model alias (invalid_config)', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a')],
      models: [{ name: 'chat', targets: ['a/m', 'missing/m'] }],
    });
    await expect(kernel.start()).rejects.toMatchObject({
      code: 'invalid_config',
      path: 'models.0.targets.1',
      message:
        "Invalid configuration at models.0.targets.1: provider 'missing' is not registered (known: a)",
    });
    const malformed = createKernel({
      providers: [fakeProvider('a')],
      models: [{ name: 'chat', targets: ['nomodel'] }],
    });
    await expect(malformed.start()).rejects.toMatchObject({ path: 'models.0.targets.0' });
  });

  it('lists aliases and each provider model, and reports providers that fail to list', async () => {
    const broken = fakeProvider('down');
    broken.doListModels = () => Promise.reject(new Error('connect ECONNREFUSED'));
    const kernel = createKernel({
      providers: [fakeProvider('a'), broken],
      models: [{ name: 'chat', targets: ['a/m'] }],
    });
    const catalog = await kernel.models();
    expect(catalog.models.map((entry) => `${entry.kind}:${entry.id}`)).toEqual([
      'alias:chat',
      'deployment:a/m',
    ]);
    expect(catalog.errors.map((entry) => entry.providerId)).toEqual(['down']);
  });
});
