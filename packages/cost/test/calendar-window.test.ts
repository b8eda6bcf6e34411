import { windowAt } from '@loom/cost';
import { describe, expect, it } from 'vitest';

const berlin = 'Europe/Berlin';
const newYork = 'America/New_York';

describe('windowAt', () => {
  it('rolls a day window over at local midnight, not UTC midnight', () => {
    const before = windowAt(Date.parse('2026-01-15T22:59:59Z'), 'day', berlin);
    const after = windowAt(Date.parse('2026-01-15T23:00:00Z'), 'day', berlin);
    expect(before.id).toBe('2026-01-15');
    expect(after.id).toBe('2026-01-16');
    expect(before.endsAt).toBe(Date.parse('2026-01-15T23:00:00Z'));
  });

  it('rolls a month window over at the end of the month, leap years included', () => {
    expect(windowAt(Date.parse('2028-02-29T22:59:00Z'), 'month', berlin).id).toBe('2028-02');
    const march = windowAt(Date.parse('2028-02-29T23:00:00Z'), 'month', berlin);
    expect(march.id).toBe('2028-03');
    expect(windowAt(Date.parse('2026-12-31T12:00:00Z'), 'month', 'UTC').endsAt).toBe(
      Date.parse('2027-01-01T00:00:00Z'),
    );
  });

  it('keeps day windows at 23 and 25 hours across DST changes', () => {
    // US spring forward: 2026-03-08, clocks jump 02:00 EST -> 03:00 EDT.
    const spring = windowAt(Date.parse('2026-03-08T12:00:00Z'), 'day', newYork);
    expect(spring.id).toBe('2026-03-08');
    expect(spring.endsAt).toBe(Date.parse('2026-03-09T04:00:00Z'));
    const springStart = windowAt(Date.parse('2026-03-08T04:59:59Z'), 'day', newYork);
    expect(springStart.id).toBe('2026-03-07');
    expect(spring.endsAt - springStart.endsAt).toBe(23 * 3_600_000);
    // Fall back: 2026-11-01, 02:00 EDT -> 01:00 EST, a 25-hour day.
    const fall = windowAt(Date.parse('2026-11-01T12:00:00Z'), 'day', newYork);
    const fallBefore = windowAt(Date.parse('2026-11-01T03:59:59Z'), 'day', newYork);
    expect(fall.endsAt - fallBefore.endsAt).toBe(25 * 3_600_000);
  });

  it('gives the repeated DST hour a window of its own', () => {
    const first = windowAt(Date.parse('2026-11-01T05:30:00Z'), 'hour', newYork);
    const second = windowAt(Date.parse('2026-11-01T06:30:00Z'), 'hour', newYork);
    expect(first.id).not.toBe(second.id);
    expect(first.endsAt).toBe(Date.parse('2026-11-01T06:00:00Z'));
  });

  it('aligns weeks on Monday and total never ends', () => {
    // 2026-01-15 is a Thursday; its week starts Monday 2026-01-12.
    const week = windowAt(Date.parse('2026-01-15T12:00:00Z'), 'week', 'UTC');
    expect(week.id).toBe('week-of-2026-01-12');
    expect(week.endsAt).toBe(Date.parse('2026-01-19T00:00:00Z'));
    expect(windowAt(0, 'total', 'UTC')).toEqual({
      id: 'total',
      startsAt: Number.NEGATIVE_INFINITY,
      endsAt: Number.POSITIVE_INFINITY,
    });
  });
});
