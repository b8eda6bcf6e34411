import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostsResponse, ReportResponse } from '../src/api/api-types.js';
import { reportCommand } from '../src/cli/report-command.js';
import { loadConfig } from '../src/config/load-config.js';
import { type RunningLoom, startLoom } from '../src/runtime/start-loom.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const SECOND = 1_000;

/** A port nothing listens on: `loom report` must not find another test's gateway there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits for the next whole second, so each phase fills 1 s slots of its own. */
async function nextSecond(): Promise<number> {
  const at = Math.ceil((Date.now() + 1) / SECOND) * SECOND;
  await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
  return at;
}

describe('the performance report of a period with an outage in the middle', () => {
  let primary: SimulatedUpstream;
  let backup: SimulatedUpstream;
  let folder: string;
  let file: string;
  let loom: RunningLoom;
  const at: Record<'start' | 'outage' | 'recovered' | 'end', number> = {
    start: 0,
    outage: 0,
    recovered: 0,
    end: 0,
  };

  const chat = async (count: number) => {
    for (let index = 0; index < count; index++) {
      const response = await fetch(`${loom.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'chat',
          messages: [{ role: 'user', content: `hi ${index}` }],
        }),
      });
      expect(response.status).toBe(200);
    }
  };
  const report = async (from: number, to: number, extra = '') => {
    const response = await fetch(`${loom.url}/api/report?from=${from}&to=${to}${extra}`);
    return { status: response.status, text: await response.text() };
  };
  const json = async (from: number, to: number) =>
    JSON.parse((await report(from, to)).text) as ReportResponse;

  beforeAll(async () => {
    [primary, backup] = await Promise.all([startOpenAIServer(), startOpenAIServer()]);
    folder = await mkdtemp(join(tmpdir(), 'loom-report-'));
    file = join(folder, 'loom.yaml');
    const config = {
      server: { port: await closedPort() },
      providers: [
        { id: 'primary', type: 'openai', baseURL: primary.baseURL, apiKey: 'sk-primary-key' },
        { id: 'backup', type: 'openai', baseURL: backup.baseURL, apiKey: 'sk-backup-key' },
      ],
      models: [{ name: 'chat', targets: ['primary/gpt-4o-mini', 'backup/gpt-4o-mini'] }],
      routing: { strategy: 'priority', retries: 1, initialBackoffMs: 1 },
      health: { intervalMs: 0 },
      storage: { ledger: 'sqlite://./loom.db' },
      alerts: {
        intervalMs: 100,
        sinks: [{ type: 'memory' }],
        rules: [
          {
            name: 'upstream-errors',
            condition: {
              type: 'threshold',
              query: { name: 'loom.errors' },
              windowMs: 60_000,
              aggregate: 'count',
              operator: '>',
              value: 0,
            },
          },
        ],
      },
    };
    await writeFile(file, JSON.stringify(config));
    loom = await startLoom(await loadConfig(file, {}), { file, log: quiet });

    at.start = await nextSecond();
    await chat(5);
    at.outage = await nextSecond();
    primary.inject({ fault: { type: 'status', status: 500 }, path: '/v1/chat/completions' });
    await chat(5);
    const deadline = Date.now() + 5_000;
    while (loom.alerts.firing().length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    at.recovered = await nextSecond();
    primary.clearFaults();
    await chat(5);
    at.end = (await nextSecond()) + SECOND;
  }, 60_000);

  afterAll(async () => {
    await loom?.close().catch(() => {});
    await Promise.all([primary?.close(), backup?.close()]);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('shows the whole period: every request, the failover and the alert', async () => {
    const whole = await json(at.start, at.end);
    expect(whole.resolution).toBe('1s');
    expect(whole.source).toBe('live');
    expect(whole.throughput.requests).toBe(15);
    expect(whole.errors.reduce((sum, entry) => sum + entry.count, 0)).toBe(5);
    expect(whole.deployments.map((entry) => entry.provider).sort()).toEqual(['backup', 'primary']);
    expect(whole.alerts.map((alert) => [alert.rule, alert.state])).toContainEqual([
      'upstream-errors',
      'firing',
    ]);
  });

  it('shows the outage alone: its errors, the backup serving, the alert firing', async () => {
    const outage = await json(at.outage, at.recovered);
    expect(outage.throughput.requests).toBe(5);
    expect(outage.errors.reduce((sum, entry) => sum + entry.count, 0)).toBe(5);
    const attempts = Object.fromEntries(
      outage.deployments.map((entry) => [entry.provider, entry.attempts]),
    );
    expect(attempts).toEqual({ primary: 5, backup: 5 });
    expect(outage.alerts.map((alert) => alert.rule)).toContain('upstream-errors');

    const before = await json(at.start, at.outage);
    expect(before.errors).toEqual([]);
    expect(before.deployments.map((entry) => entry.provider)).toEqual(['primary']);
    expect(before.alerts).toEqual([]);
  });

  it('agrees with /api/costs on the cost of the same range', async () => {
    const range = `from=${at.start}&to=${at.end}`;
    const costs = (await (
      await fetch(`${loom.url}/api/costs?${range}&groupBy=provider`)
    ).json()) as CostsResponse;
    const { cost } = await json(at.start, at.end);
    expect(cost.totalUsd).toBeCloseTo(costs.totalMicros / 1e6, 9);
    expect(cost.records).toBe(costs.records);
    expect(
      Object.fromEntries(cost.byProvider.map((entry) => [entry.provider, entry.costUsd])),
    ).toEqual(Object.fromEntries(costs.groups.map((group) => [group.key, group.costMicros / 1e6])));
    expect(cost.totalUsd).toBeGreaterThan(0);
  });

  it('answers Markdown for format=md and for Accept: text/markdown, and 400 for a bad range', async () => {
    const markdown = await report(at.outage, at.recovered, '&format=md');
    expect(markdown.text).toMatch(/^# Loom performance report/);
    expect(markdown.text).toContain('## Errors');
    expect(markdown.text).toContain('## Cost by provider');
    expect(markdown.text).toContain('| backup |');
    const accepted = await fetch(`${loom.url}/api/report?from=${at.outage}&to=${at.recovered}`, {
      headers: { accept: 'text/markdown' },
    });
    expect(accepted.headers.get('content-type')).toMatch(/^text\/markdown/);
    const backwards = await report(at.end, at.start);
    expect(backwards.status).toBe(400);
    expect(JSON.parse(backwards.text).error).toMatchObject({
      param: 'to',
      code: 'invalid_query_parameter',
    });
  });

  it('says when a period reaches past the fine history and uses minute slots', async () => {
    const week = await json(at.end - 2 * 3_600_000, at.end);
    expect(week.resolution).toBe('1m');
    expect(week.note).toContain('1 min slots');
    expect(week.throughput.requests).toBe(15);
  });

  it('reads the same period with loom report, live and after the gateway stopped', async () => {
    const minutes = {
      from: String(Math.floor(at.start / 60_000) * 60_000),
      to: String(at.end + 60_000),
    };
    const live = JSON.parse(
      await reportCommand({ config: file, ...minutes, format: 'json' }),
    ) as ReportResponse;
    expect(live.source).toBe('live');
    expect(live.throughput.requests).toBe(15);
    await loom.close();
    const kept = JSON.parse(
      await reportCommand({ config: file, ...minutes, format: 'json' }),
    ) as ReportResponse;
    expect(kept.source).toBe('persisted');
    expect(kept.throughput.requests).toBe(15);
    expect(kept.errors).toEqual(live.errors);
    expect(kept.cost).toEqual(live.cost);
    expect(kept.note).toContain('Alerts are not kept across restarts');
    const markdown = await reportCommand({ config: file, ...minutes });
    expect(markdown).toMatch(/^# Loom performance report/);
  });
});
