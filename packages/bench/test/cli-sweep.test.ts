import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startOpenAIServer, startVllmServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults, runBenchCli } from '../src/index.js';
import { captureIo, tempDir } from './helpers.js';

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  temp = await tempDir();
});
afterAll(() => temp.remove());

describe('loom bench against the simulated upstreams', () => {
  it('sweeps concurrency against the OpenAI simulator, prints a table and writes JSON', async () => {
    const upstream = await startOpenAIServer();
    try {
      const io = captureIo();
      const json = join(temp.dir, 'openai.json');
      const code = await runBenchCli(
        [
          '--url',
          upstream.baseURL,
          '--model',
          'gpt-4o-mini',
          '--concurrency',
          '1,4,16',
          '--requests',
          '60',
          '--warmup',
          '5',
          '--json',
          json,
        ],
        io,
      );
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      expect(io.out()).toMatch(/\| run \| requests \| req\/s \|/);
      // Not a terminal: plain progress lines with running percentiles, one at least per run.
      expect(io.out()).toMatch(
        /c=16: 60\/60 requests {2}p50 [\d.]+ ms {2}p99 [\d.]+ ms {2}errors 0/,
      );
      for (const label of ['c=1', 'c=4', 'c=16']) expect(io.out()).toContain(`| ${label} | 60 |`);
      const results = await readResults(json);
      expect(results.runs.map((run) => run.concurrency)).toEqual([1, 4, 16]);
      for (const run of results.runs) {
        expect(run).toMatchObject({ requests: 60, succeeded: 60, failed: 0, errors: {} });
        expect(run.latencyMs.count).toBe(60);
        expect(run.latencyMs.p50).toBeGreaterThan(0);
        expect(run.latencyMs.p99).toBeGreaterThanOrEqual(run.latencyMs.p50);
        expect(run.outputTokens).toBeGreaterThan(0);
        expect(run.throughputRps).toBeGreaterThan(0);
      }
      expect(results.environment.node).toBe(process.version);
      // 5 warm-up requests per run are sent but not measured.
      const chats = upstream.requests.filter((r) => r.path === '/v1/chat/completions');
      expect(chats).toHaveLength(3 * 65);
      expect(chats[0]?.body).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 16 });
    } finally {
      await upstream.close();
    }
  });

  it('measures time to first token and inter-token latency of streams against the vLLM simulator', async () => {
    const upstream = await startVllmServer({ timeToFirstTokenMs: 20, tokensPerSecond: 500 });
    try {
      const io = captureIo();
      const json = join(temp.dir, 'vllm.json');
      const markdown = join(temp.dir, 'vllm.md');
      const code = await runBenchCli(
        [
          '--url',
          upstream.baseURL,
          '--model',
          'meta-llama/Llama-3.1-8B-Instruct',
          '--scenario',
          'stream',
          '--concurrency',
          '1,8',
          '--requests',
          '24',
          '--warmup',
          '2',
          '--json',
          json,
          '--markdown',
          markdown,
        ],
        io,
      );
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      const results = await readResults(json);
      for (const run of results.runs) {
        expect(run.succeeded).toBe(24);
        expect(run.ttftMs?.count).toBe(24);
        // The simulator holds the first token back 20 ms.
        expect(run.ttftMs?.p50).toBeGreaterThanOrEqual(19);
        expect(run.interTokenMs?.count).toBeGreaterThan(0);
        expect(run.latencyMs.p50).toBeGreaterThanOrEqual(run.ttftMs?.p50 ?? 0);
      }
      const table = await readFile(markdown, 'utf8');
      expect(table).toContain('TTFT p50');
      expect(table).toContain('| c=8 | 24 |');
      const sent = upstream.requests.find((r) => r.path === '/v1/chat/completions')?.body;
      expect(sent).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    } finally {
      await upstream.close();
    }
  });

  it('benchmarks embeddings', async () => {
    const upstream = await startOpenAIServer();
    try {
      const io = captureIo();
      const json = join(temp.dir, 'embed.json');
      const code = await runBenchCli(
        [
          '--url',
          upstream.baseURL,
          '--model',
          'text-embedding-3-small',
          '--scenario',
          'embeddings',
          '--concurrency',
          '2',
          '--requests',
          '20',
          '--json',
          json,
          '--progress',
          'none',
        ],
        io,
      );
      expect(code).toBe(0);
      const results = await readResults(json);
      expect(results.scenario).toBe('embeddings');
      expect(results.runs[0]).toMatchObject({ succeeded: 20, failed: 0 });
      expect(results.runs[0]?.inputTokens).toBeGreaterThan(0);
      expect(upstream.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(40);
    } finally {
      await upstream.close();
    }
  });
});
