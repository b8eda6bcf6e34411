import { join } from 'node:path';
import { startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BENCH_HELP,
  parseBenchFlags,
  parseDuration,
  parseDurationFlag,
  readResults,
  runBenchCli,
} from '../src/index.js';
import { captureIo, tempDir } from './helpers.js';

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  temp = await tempDir();
});
afterAll(() => temp.remove());

const target = ['--url', 'http://127.0.0.1:9/v1', '--model', 'm'];
const accepted = 'expected a duration such as 30s, 1500ms or 2m (a bare number is seconds)';

describe('durations', () => {
  it('reads ms, s, m, h and d, decimals included, and a bare number as seconds', () => {
    expect(parseDuration('1500ms')).toBe(1_500);
    expect(parseDuration('2s')).toBe(2_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('.5s')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('2')).toBe(2_000);
    expect(parseDuration(' 30s ')).toBe(30_000);
  });

  it('refuses zero, signs, spaces inside, other units and a bare number when asked to', () => {
    for (const text of ['0', '0s', '-1s', '+1s', '2 s', '2x', '5 minutes', '1e3', 's', '', '2S']) {
      expect(parseDuration(text), text).toBeUndefined();
    }
    expect(parseDuration('15', { bareNumber: 'refused' })).toBeUndefined();
    expect(parseDuration('15m', { bareNumber: 'refused' })).toBe(900_000);
  });

  it('names the flag and the accepted forms for a bad flag, and refuses what a timer cannot wait', () => {
    expect(() => parseDurationFlag('duration', '2x')).toThrow(`--duration: ${accepted}, got "2x"`);
    expect(() => parseDurationFlag('timeout', '30d')).toThrow('--timeout: at most 24d, got "30d"');
    expect(parseDurationFlag('timeout', '24d')).toBe(2_073_600_000);
  });
});

describe('loom bench duration flags', () => {
  it('reads --duration 2 as two seconds, as wrk and autocannon do', () => {
    expect(parseBenchFlags([...target, '--duration', '2']).durationMs).toBe(2_000);
    expect(parseBenchFlags([...target, '--timeout', '2']).timeoutMs).toBe(2_000);
  });

  it('reads --duration and --timeout with units: 1500ms, 2m, 1.5s', () => {
    const flags = parseBenchFlags([...target, '--duration', '1500ms', '--timeout', '2m']);
    expect(flags).toMatchObject({ durationMs: 1_500, timeoutMs: 120_000, requests: undefined });
    expect(parseBenchFlags([...target, '--duration', '1.5s']).durationMs).toBe(1_500);
  });

  it('runs each step with the parsed duration, stored in the results', async () => {
    const upstream = await startOpenAIServer();
    try {
      const json = join(temp.dir, 'duration.json');
      const io = captureIo();
      // --requests ends the run first; the settings record the duration the steps were given.
      const code = await runBenchCli(
        [
          '--url',
          upstream.baseURL,
          '--model',
          'gpt-4o-mini',
          '--duration',
          '2',
          '--requests',
          '5',
        ].concat(['--warmup', '0', '--timeout', '1.5', '--progress', 'none', '--json', json]),
        io,
      );
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      const results = await readResults(json);
      expect(results.settings).toMatchObject({ durationMs: 2_000, timeoutMs: 1_500, requests: 5 });
    } finally {
      await upstream.close();
    }
  });

  it.each([
    ['duration', '2x'],
    ['duration', '0'],
    ['timeout', '5 minutes'],
  ])('exits 1 on --%s %s, naming the flag and the accepted forms', async (flag, value) => {
    const io = captureIo();
    expect(await runBenchCli([...target, `--${flag}`, value], io)).toBe(1);
    expect(io.err()).toContain(`loom bench: --${flag}: ${accepted}, got "${value}"`);
  });

  it('says in --help that a bare number is seconds', () => {
    expect(BENCH_HELP).toMatch(/--duration <time> .*a bare number is seconds/);
    expect(BENCH_HELP).toMatch(/--timeout <time> .*a bare number is seconds/);
  });
});
