import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedUpstream, startOllamaServer, startVllmServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providersCommand } from '../src/cli/providers-command.js';

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
    const outcome = await providersCommand({ config: file, timeoutMs: 2_000 });
    expect(outcome.exitCode).toBe(4);
    expect(outcome.checks[0]?.status).toBe('down');
  });
});
