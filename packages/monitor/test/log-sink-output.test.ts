import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const sinkModule = new URL('../src/sinks/log-sink.ts', import.meta.url).pathname;

describe('log sink on a failing stdout', () => {
  it('stdout on a full disk (/dev/full): alerts are lost, the process neither crashes nor hangs at exit', async () => {
    const script = [
      `import { createLogSink } from ${JSON.stringify(sinkModule)};`,
      'const sink = createLogSink();',
      "const alert = { rule: 'r', severity: 'critical', state: 'firing', message: 'x'.repeat(512), labels: {}, value: 1, threshold: 0, startedAt: 0, timestamp: 0 };",
      'const signal = new AbortController().signal;',
      'for (let index = 0; index < 50; index += 1) await sink.doSend(alert, { signal });',
      // More lines, left unwritten at exit: the exit must not wait for a disk that stays full.
      'setTimeout(() => {',
      '  for (let index = 0; index < 50; index += 1) void sink.doSend(alert, { signal });',
      "  process.stderr.write('still running');",
      '  process.exit(0);',
      '}, 300);',
    ].join('\n');
    const full = openSync('/dev/full', 'w');
    const child = spawn(
      process.execPath,
      ['--conditions=@loom/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { stdio: ['ignore', full, 'pipe'] },
    );
    closeSync(full);
    let errorOutput = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errorOutput += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(errorOutput).toContain('still running');
    expect(code).toBe(0);
  }, 15_000);
});
