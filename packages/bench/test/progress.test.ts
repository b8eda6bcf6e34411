import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { barProgress, lineProgress } from '../src/index.js';

const snapshot = () => ({ done: 40, failed: 2, p50Ms: 1.5, p99Ms: 9.25 });

describe('progress', () => {
  it('prints plain lines on an interval and a last one at the end', () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const progress = lineProgress({ write: (text: string) => lines.push(text) }, 1_000);
      progress.start({ label: 'c=4', total: 100, snapshot });
      vi.advanceTimersByTime(2_500);
      expect(lines).toEqual([
        'c=4: 40/100 requests  p50 1.50 ms  p99 9.25 ms  errors 2\n',
        'c=4: 40/100 requests  p50 1.50 ms  p99 9.25 ms  errors 2\n',
      ]);
      progress.stop();
      expect(lines).toHaveLength(3);
      vi.advanceTimersByTime(5_000);
      expect(lines).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('draws a bar with the running percentiles on a terminal', async () => {
    let output = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          output += chunk.toString();
          done();
        },
      }),
      {
        isTTY: true,
        columns: 160,
        cursorTo: () => true,
        clearLine: () => true,
        moveCursor: () => true,
      },
    );
    const progress = barProgress(terminal);
    progress.start({ label: 'c=64', total: 100, snapshot });
    await new Promise((resolve) => setTimeout(resolve, 450));
    progress.stop();
    expect(output).toContain('c=64');
    expect(output).toContain('40/100');
    expect(output).toContain('p50 1.50 ms  p99 9.25 ms');
  });
});
