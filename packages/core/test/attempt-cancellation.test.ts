import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cancellation } from '../src/cancel/cancellation.js';
import { AttemptCancellation } from '../src/kernel/attempt-cancellation.js';

const timedOut = () => new Error('timed out');

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('AttemptCancellation timers', () => {
  it('aborts once the last deadline passes without a re-arm', async () => {
    vi.useFakeTimers();
    const attempt = new AttemptCancellation(new Cancellation());
    attempt.arm(100, timedOut);
    await vi.advanceTimersByTimeAsync(60);
    attempt.arm(100, timedOut);
    await vi.advanceTimersByTimeAsync(60);
    expect(attempt.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(45);
    expect(attempt.aborted).toBe(true);
    expect(attempt.reason).toEqual(new Error('timed out'));
  });

  it('keeps one timer while a stream re-arms it for every chunk', () => {
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const attempt = new AttemptCancellation(new Cancellation());
    for (let chunk = 0; chunk < 100; chunk++) {
      attempt.arm(30_000, timedOut);
      attempt.arm(undefined, timedOut);
    }
    expect(setTimer).toHaveBeenCalledTimes(1);
    attempt.dispose();
  });

  it('replaces a later timer when a shorter deadline is armed, and stays quiet when disarmed', async () => {
    vi.useFakeTimers();
    const attempt = new AttemptCancellation(new Cancellation());
    attempt.arm(10_000, timedOut);
    attempt.arm(50, timedOut);
    await vi.advanceTimersByTimeAsync(55);
    expect(attempt.aborted).toBe(true);

    const quiet = new AttemptCancellation(new Cancellation());
    quiet.arm(50, timedOut);
    quiet.arm(undefined, timedOut);
    await vi.advanceTimersByTimeAsync(500);
    expect(quiet.aborted).toBe(false);
  });
});
