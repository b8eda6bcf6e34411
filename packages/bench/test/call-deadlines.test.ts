import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallDeadlines } from '../src/run/call-deadlines.js';
import { RequestTimeoutError } from '../src/targets/bench-errors.js';

describe('per-request deadlines on one timer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'hrtime'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts each call that is still running at its own deadline, and only those', () => {
    const deadlines = new CallDeadlines(100);
    const first = deadlines.start();
    vi.advanceTimersByTime(40);
    const second = deadlines.start();
    const third = deadlines.start();
    deadlines.finish(third);
    vi.advanceTimersByTime(59);
    expect(first.aborted).toBe(false);
    vi.advanceTimersByTime(2);
    expect(first.aborted).toBe(true);
    expect(first.reason).toBeInstanceOf(RequestTimeoutError);
    expect(second.aborted).toBe(false);
    vi.advanceTimersByTime(40);
    expect(second.aborted).toBe(true);
    expect(third.aborted).toBe(false);
    deadlines.stop();
  });

  it('gives the reason to onAbort listeners and to a signal made before or after', () => {
    const deadlines = new CallDeadlines(10);
    const call = deadlines.start();
    const early = call.signal;
    const seen: unknown[] = [];
    call.onAbort((reason) => seen.push(reason));
    const removed = vi.fn();
    call.onAbort(removed)();
    vi.advanceTimersByTime(11);
    expect(seen).toHaveLength(1);
    expect(removed).not.toHaveBeenCalled();
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(seen[0]);
    expect(call.signal.reason).toBe(seen[0]);
    deadlines.stop();
  });

  it('keeps only unsettled calls queued over a long run, and still times out the last', () => {
    const deadlines = new CallDeadlines(50);
    for (let index = 0; index < 10_000; index++) {
      const call = deadlines.start();
      deadlines.finish(call);
    }
    expect((deadlines as unknown as { queue: unknown[] }).queue.length).toBeLessThan(1100);
    const stuck = deadlines.start();
    vi.advanceTimersByTime(51);
    expect(stuck.aborted).toBe(true);
    deadlines.stop();
  });
});
