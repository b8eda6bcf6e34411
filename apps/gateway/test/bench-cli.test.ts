import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type SimulatedUpstream, startOllamaServer, startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');

/** `loom ...` from source, as a child process; resolves with the exit code and output. */
async function loom(args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=@loom/source', '--import', 'tsx', cli, ...args],
      { env: { ...process.env, CI: 'true' }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('loom bench', () => {
  let upstream: SimulatedUpstream;
  let directory: string;
  beforeAll(async () => {
    upstream = await startOpenAIServer();
    directory = await mkdtemp(join(tmpdir(), 'loom-bench-cli-'));
  });
  afterAll(async () => {
    await upstream?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('sweeps concurrency against an upstream, prints a table and writes JSON', async () => {
    const out = join(directory, 'results.json');
    const result = await loom([
      'bench',
      '--url',
      `${upstream.baseURL}`,
      '--model',
      'gpt-4o-mini',
      '--concurrency',
      '1,4',
      '--requests',
      '40',
      '--warmup',
      '5',
      '--json',
      out,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/c=4/);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    expect(saved.runs).toHaveLength(2);
  }, 90_000);

  it('explains every flag with --help, is listed by loom --help, and exits 1 on a bad flag', async () => {
    expect((await loom(['bench', '--help'])).stdout).toContain('--baseline <file>');
    expect((await loom(['--help'])).stdout).toContain('bench');
    const bad = await loom([
      'bench',
      '--url',
      upstream.baseURL,
      '--model',
      'm',
      '--concurrency',
      'x',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/concurrency/);
  }, 90_000);

  it('reads --duration 2 as two seconds per step, kept in the results, and refuses 2x with the accepted forms', async () => {
    const out = join(directory, 'two-seconds.json');
    const flags = ['--model', 'gpt-4o-mini', '--warmup', '0', '--progress', 'none'];
    // --requests ends the step first; the results keep the duration the step was given.
    const result = await loom(
      ['bench', '--url', upstream.baseURL, ...flags, '--duration', '2', '--requests', '3'].concat([
        '--json',
        out,
      ]),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).settings.durationMs).toBe(2_000);
    const bad = await loom(['bench', '--url', upstream.baseURL, ...flags, '--duration', '2x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'loom bench: --duration: expected a duration such as 30s, 1500ms or 2m (a bare number is seconds), got "2x"',
    );
    expect((await loom(['bench', '--help'])).stdout).toMatch(
      /--duration <time> .*\(a bare number is seconds\)/,
    );
  }, 90_000);

  it('benches a config in process with --config: Ollama through its provider, priced', async () => {
    const ollama = await startOllamaServer();
    try {
      const config = join(directory, 'loom.json');
      await writeFile(
        config,
        JSON.stringify({
          providers: [{ id: 'local', type: 'ollama', baseURL: ollama.url, costPerHourUsd: 1 }],
          health: { intervalMs: 0 },
        }),
      );
      const out = join(directory, 'ollama.json');
      const args = ['bench', '--config', config, '--model', 'local/llama3.2', '--scenario'];
      const result = await loom([
        ...args,
        'stream',
        '--concurrency',
        '1,2',
        '--requests',
        '20',
        '--warmup',
        '2',
        '--json',
        out,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const saved = JSON.parse(await readFile(out, 'utf8'));
      expect(saved.runs).toHaveLength(2);
      expect(saved.runs[0].succeeded).toBeGreaterThan(0);
      expect(ollama.requests.some((request) => request.path === '/api/chat')).toBe(true);
      const both = await loom(['bench', '--config', config, '--url', ollama.url, '--model', 'x']);
      expect(both.code).toBe(1);
    } finally {
      await ollama.close();
    }
  }, 90_000);
});
