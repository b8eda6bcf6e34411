import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertsResponse, CostsResponse, StatsResponse } from '../src/api/api-types.js';
import { DEMO_ALERT_RULE } from '../src/demo/demo-config.js';
import { startDemo } from '../src/demo/start-demo.js';

const GATEWAY = join(dirname(fileURLToPath(import.meta.url)), '..');

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

/** Polls `check` until it returns true or `timeoutMs` passes; generous for a loaded machine. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('loom demo', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('shows routing, a failover, costs and an alert within a compressed timeline', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loom-demo-test-'));
    folders.push(dataDir);
    const lines: string[] = [];
    const demo = await startDemo({
      port: 0,
      dataDir,
      ratePerSecond: 5,
      outage: { startMs: 3_000, durationMs: 8_000 },
      alertIntervalMs: 1_000,
      alertWindowMs: 10_000,
      write: (line) => lines.push(line),
    });
    try {
      const alertFired = async () => {
        const alerts = await getJson<AlertsResponse>(`${demo.url}/api/alerts`);
        return [...alerts.firing, ...alerts.recent].some((alert) => alert.rule === DEMO_ALERT_RULE);
      };
      // ~25 s: the outage runs from 3 s to 11 s; then the breaker probes and closes.
      await eventually(
        async () =>
          (await alertFired()) && lines.some((line) => / circuit +openai\S* closed/.test(line)),
        40_000,
      );

      // A failover: requests that failed on openai were answered by another provider.
      const failedOver = demo.results.filter((result) => (result.attempts ?? 1) > 1 && result.ok);
      expect(failedOver.length).toBeGreaterThan(0);
      expect(lines.some((line) => line.includes('failover'))).toBe(true);
      const stats = await getJson<StatsResponse>(`${demo.url}/api/stats`);
      expect(stats.kernel.deployments['openai/gpt-4o-mini']?.failures).toBeGreaterThan(0);
      // Invisible to the clients: every request the generator finished succeeded.
      expect(demo.results.filter((result) => !result.ok)).toEqual([]);
      // Routing spread traffic over all three providers.
      const served = new Set(demo.results.map((result) => result.provider));
      expect([...served].sort()).toEqual(['gpu', 'local', 'openai']);

      // Costs from the SQLite ledger.
      const costs = await getJson<CostsResponse>(`${demo.url}/api/costs?groupBy=provider`);
      expect(costs.enabled).toBe(true);
      expect(costs.totalMicros).toBeGreaterThan(0);
      expect(costs.groups.map((group) => group.key)).toEqual(
        expect.arrayContaining(['openai', 'gpu']),
      );
      expect(costs.budgets.some((budget) => budget.budget === 'demo-daily')).toBe(true);

      // The error alert fired during the outage and was narrated.
      expect(await alertFired()).toBe(true);
      expect(lines.some((line) => line.includes(`FIRING ${DEMO_ALERT_RULE}`))).toBe(true);
      expect(lines.some((line) => line.includes('OPEN'))).toBe(true);
    } finally {
      await demo.close();
    }
    expect(existsSync(join(dataDir, 'loom-demo.db'))).toBe(true);
  }, 60_000);
});

/** Runs the CLI from source, as `loom demo`, collecting its output. */
function runCli(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@loom/source', '--import', 'tsx', 'src/cli.ts', 'demo', ...args],
    { cwd: GATEWAY, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe('loom demo (CLI)', () => {
  it('prints the dashboard URL, reads --duration 2 as two seconds, stops by itself and exits 0', async () => {
    const run = runCli(['--port', '0', '--duration', '2', '--no-traffic']);
    expect(await run.exit).toBe(0);
    expect(run.output()).toMatch(/dashboard at http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.output()).toContain('Traffic: none (--no-traffic)');
    expect(run.output()).toContain('Stops after 2 s.');
    expect(run.output()).toMatch(/2 s elapsed: stopping/);
    expect(run.output()).toMatch(/Demo stopped: \d+ requests/);
  }, 60_000);

  it('reads --duration 1500ms and 2m with their units', async () => {
    const short = runCli(['--port', '0', '--duration', '1500ms', '--no-traffic']);
    const long = runCli(['--port', '0', '--duration', '2m', '--no-traffic']);
    await eventually(async () => long.output().includes('Stops after 120 s.'), 30_000);
    long.child.kill('SIGINT');
    expect(await long.exit).toBe(0);
    expect(await short.exit).toBe(0);
    expect(short.output()).toContain('Stops after 1.5 s.');
    expect(short.output()).toMatch(/1\.5 s elapsed: stopping/);
  }, 60_000);

  it('stops cleanly on Ctrl-C (SIGINT)', async () => {
    const run = runCli(['--port', '0']);
    await eventually(async () => run.output().includes('Ctrl-C stops.'), 30_000);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(run.output()).toContain('Ctrl-C: stopping');
  }, 60_000);

  it('refuses a bad --duration with exit code 2, showing the accepted forms', async () => {
    const run = runCli(['--duration', 'soon']);
    expect(await run.exit).toBe(2);
    expect(run.output()).toContain(
      'loom: --duration: expected a duration such as 30s, 1500ms or 2m (a bare number is seconds), got "soon"',
    );
  }, 60_000);

  it('says in loom demo --help that a bare number is seconds', async () => {
    const run = runCli(['--help']);
    expect(await run.exit).toBe(0);
    expect(run.output()).toMatch(
      /--duration <time>\s+Stop by itself after this long .*a bare number is seconds/,
    );
  }, 60_000);
});
