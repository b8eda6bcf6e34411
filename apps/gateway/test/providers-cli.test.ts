import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type SimulatedUpstream, startOllamaServer, startVllmServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providersCommand } from '../src/cli/providers-command.js';

const run = promisify(execFile);
const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');

describe('loom providers', () => {
  let ollama: SimulatedUpstream;
  let vllm: SimulatedUpstream;
  let directory: string;
  beforeAll(async () => {
    [ollama, vllm] = await Promise.all([startOllamaServer(), startVllmServer()]);
    directory = await mkdtemp(join(tmpdir(), 'loom-providers-'));
  });
  afterAll(async () => {
    await Promise.all([ollama.close(), vllm.close()]);
    await rm(directory, { recursive: true, force: true });
  });

  async function configWith(providers: unknown[]): Promise<string> {
    const file = join(directory, `loom-${providers.length}-${Math.random()}.json`);
    await writeFile(file, JSON.stringify({ providers }));
    return file;
  }

  it('checks every provider and exits 0 when one is healthy', async () => {
    vllm.inject({ fault: { type: 'status', status: 503 }, path: '/health' });
    const file = await configWith([
      { id: 'local', type: 'ollama', baseURL: ollama.baseURL },
      { id: 'gpu', type: 'vllm', baseURL: vllm.baseURL },
    ]);
    const outcome = await providersCommand({ config: file });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.checks.map((check) => [check.id, check.type, check.status])).toEqual([
      ['local', 'ollama', 'up'],
      ['gpu', 'vllm', 'down'],
    ]);
    const lines = outcome.text.split('\n');
    expect(lines[0]).toMatch(/^PROVIDER\s+TYPE\s+STATUS\s+LATENCY\s+DETAIL$/);
    expect(lines[1]).toMatch(/^local\s+ollama\s+up\s+\d+ ms/);
    expect(lines[2]).toMatch(/^gpu\s+vllm\s+down\s/);
    vllm.clearFaults();
    const json = JSON.parse((await providersCommand({ config: file, json: true })).text);
    expect(json.providers.map((entry: { status: string }) => entry.status)).toEqual(['up', 'up']);
  });

  it('exits 4 when no provider is healthy', async () => {
    const file = await configWith([
      // Nothing listens on port 9 of loopback: connection refused.
      { id: 'gone', type: 'openai', baseURL: 'http://127.0.0.1:9/v1' },
    ]);
    const outcome = await providersCommand({ config: file, timeout: '2s' });
    expect(outcome.exitCode).toBe(4);
    expect(outcome.checks[0]?.status).toBe('down');
  });

  it('reads --timeout 2 as two seconds, and takes 1500ms and 2m', async () => {
    // Every answer of the upstream comes 300 ms late: within 2 s, past 100 ms.
    ollama.inject({ fault: { type: 'delay', ms: 300 } });
    try {
      const file = await configWith([{ id: 'slow', type: 'ollama', baseURL: ollama.baseURL }]);
      const status = async (timeout: string) =>
        (await providersCommand({ config: file, timeout })).checks[0]?.status;
      expect(await status('2')).toBe('up');
      expect(await status('1500ms')).toBe('up');
      expect(await status('2m')).toBe('up');
      expect(await status('100ms')).toBe('down');
    } finally {
      ollama.clearFaults();
    }
  });

  it('refuses a --timeout that is not a duration, showing the accepted forms', async () => {
    await expect(providersCommand({ config: 'unused.yaml', timeout: '2x' })).rejects.toThrow(
      '--timeout: expected a duration such as 30s, 1500ms or 2m (a bare number is seconds), got "2x"',
    );
  });

  it('loom providers reads --timeout 2 on the command line as seconds and says so in --help', async () => {
    const loom = (args: string[]) =>
      run(process.execPath, ['--conditions=@loom/source', '--import', 'tsx', cli, ...args], {
        timeout: 60_000,
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    ollama.inject({ fault: { type: 'delay', ms: 300 } });
    try {
      const file = await configWith([{ id: 'slow', type: 'ollama', baseURL: ollama.baseURL }]);
      const checked = await loom(['providers', '--config', file, '--json', '--timeout', '2']);
      expect(checked.code).toBe(0);
      expect(JSON.parse(checked.stdout).providers[0].status).toBe('up');
    } finally {
      ollama.clearFaults();
    }
    const bad = await loom(['providers', '--timeout', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('loom: --timeout: expected a duration such as 30s');
    expect((await loom(['providers', '--help'])).stdout).toMatch(
      /--timeout <time>\s+Time limit of each check: 5s, 1500ms, a bare number is seconds/,
    );
  }, 60_000);
});
