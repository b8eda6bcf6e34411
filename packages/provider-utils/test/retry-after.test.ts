import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/http/retry-after.js';

const now = Date.parse('2026-11-26T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads retry-after-ms as milliseconds', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1500' }, now)).toBe(1500);
    expect(parseRetryAfter({ 'retry-after-ms': '20.6' }, now)).toBe(21);
  });

  it('prefers retry-after-ms over Retry-After', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '5' }, now)).toBe(250);
  });

  it('reads Retry-After seconds, fractions included', () => {
    expect(parseRetryAfter({ 'retry-after': '2' }, now)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': '0' }, now)).toBe(0);
  });

  it('reads an HTTP date as milliseconds from now', () => {
    expect(parseRetryAfter({ 'retry-after': 'Thu, 26 Nov 2026 12:00:30 GMT' }, now)).toBe(30_000);
  });

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfter({ 'retry-after': 'Thu, 26 Nov 2026 11:00:00 GMT' }, now)).toBe(0);
  });

  it('falls back to Retry-After when retry-after-ms is unusable', () => {
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after-ms': '-5', 'retry-after': '3' }, now)).toBe(3000);
  });

  it('ignores garbage, negatives and missing headers', () => {
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'later' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-1' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '1e3' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '' }, now)).toBeUndefined();
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter({ 'retry-after': ['4', '9'] }, now)).toBe(4000);
  });
});
