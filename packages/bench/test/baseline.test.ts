import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, readResults, runBenchCli } from '../src/index.js';
import { captureIo, tempDir } from './helpers.js';

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  temp = await tempDir();
});
afterAll(() => temp.remove());

const args = (url: string, ...more: string[]) => [
  '--url',
  url,
  '--model',
  'gpt-4o-mini',
  '--concurrency',
  '1,4',
  '--requests',
  '40',
  '--warmup',
  '5',
  '--progress',
  'none',
  ...more,
];

describe('baseline comparison', () => {
  it('exits 3 on a planted regression: the same upstream with 25 ms added latency', async () => {
    const baselineFile = join(temp.dir, 'fast.json');
    const fast = await startOpenAIServer();
    try {
      expect(await runBenchCli(args(fast.baseURL, '--json', baselineFile), captureIo())).toBe(0);
    } finally {
      await fast.close();
    }
    const slow = await startOpenAIServer({ latencyMs: 25 });
    try {
      const io = captureIo();
      const code = await runBenchCli(
        args(slow.baseURL, '--baseline', baselineFile, '--threshold', '10'),
        io,
      );
      expect(code).toBe(3);
      expect(io.out()).toContain('REGRESSION past 10%');
      expect(io.out()).toMatch(/c=1 latency p50: [\d.]+ -> [\d.]+/);
      // The same slow run passes against a baseline taken from itself.
      const selfFile = join(temp.dir, 'slow.json');
      expect(await runBenchCli(args(slow.baseURL, '--json', selfFile), captureIo())).toBe(0);
      const again = captureIo();
      expect(
        await runBenchCli(args(slow.baseURL, '--baseline', selfFile, '--threshold', '200'), again),
      ).toBe(0);
      expect(again.out()).toContain('no regression past 200%');
    } finally {
      await slow.close();
    }
  });

  it('compare flags each metric past the threshold and nothing within it', async () => {
    const file = join(temp.dir, 'fast.json');
    const baseline = await readResults(file);
    expect(compare(baseline, baseline, { thresholdPct: 0 }).regressions).toEqual([]);
    const worse = structuredClone(baseline);
    const run = worse.runs[0];
    if (!run) throw new Error('no run');
    run.latencyMs.p99 *= 1.5;
    run.throughputRps *= 0.95;
    run.failed = run.requests / 4;
    const { regressions, missing } = compare(worse, baseline, { thresholdPct: 10 });
    expect(regressions.map((r) => `${r.run} ${r.metric}`)).toEqual([
      'c=1 latency p99',
      'c=1 error rate',
    ]);
    expect(regressions[0]?.changePct).toBeCloseTo(50, 0);
    expect(missing).toEqual([]);
    expect(compare({ ...worse, runs: [run] }, baseline).missing).toEqual(['c=4']);
  });
});

describe('bad input exits 1 with a message that names the problem', () => {
  it.each([
    [['--model', 'm'], /--url is required/],
    [['--url', 'http://127.0.0.1:9/v1'], /--model is required/],
    [['--url', 'ftp://x', '--model', 'm'], /--url must be an http\(s\) URL/],
    [
      ['--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--concurrency', '1,x'],
      /--concurrency must be comma-separated positive whole numbers/,
    ],
    [
      ['--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--scenario', 'chatty'],
      /--scenario must be one of chat, stream, embeddings/,
    ],
    [
      ['--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--duration', '5 minutes'],
      /--duration: expected a duration such as 30s, 1500ms or 2m \(a bare number is seconds\)/,
    ],
    [['--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--nope'], /Unknown option '--nope'/],
  ])('%j', async (argv, message) => {
    const io = captureIo();
    expect(await runBenchCli(argv, io)).toBe(1);
    expect(io.err()).toMatch(message);
  });

  it('a baseline that is not a results file, naming the file and the field', async () => {
    const file = join(temp.dir, 'broken-baseline.json');
    await writeFile(file, JSON.stringify({ schema: 'loom-bench/v1', runs: [] }));
    const io = captureIo();
    const code = await runBenchCli(
      ['--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--baseline', file],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain(`${file} is not a @loom/bench results file`);
    expect(io.err()).toMatch(/target: /);
  });

  it('a prompts file with a bad line, naming the file and the line', async () => {
    const file = join(temp.dir, 'prompts.jsonl');
    await writeFile(file, '"hello"\n{"prompt": "hi", "max_tokens": 8}\n{"max_tokens": -1}\n');
    const io = captureIo();
    expect(
      await runBenchCli(['--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--prompts', file], io),
    ).toBe(1);
    expect(io.err()).toContain(`${file}:3`);
  });

  it('--help explains every flag and exits 0', async () => {
    const io = captureIo();
    expect(await runBenchCli(['--help'], io)).toBe(0);
    for (const flag of [
      '--url',
      '--model',
      '--scenario',
      '--concurrency',
      '--rate',
      '--requests',
      '--duration',
      '--warmup',
      '--timeout',
      '--prompts',
      '--json',
      '--markdown',
      '--svg',
      '--baseline',
      '--threshold',
      '--api-key',
      '--header',
    ]) {
      expect(io.out()).toContain(flag);
    }
  });
});
