import { describe, expect, it } from 'vitest';
import { requestIdV7 } from '../src/server/request-id.js';

describe('requestIdV7', () => {
  it('is a version-7 RFC 9562 UUID carrying the time in milliseconds', () => {
    const now = Date.UTC(2026, 10, 26, 21, 0, 0, 123);
    const id = requestIdV7(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sorts by creation time across milliseconds and stays unique within one', () => {
    const ids = [requestIdV7(1_000), requestIdV7(1_001), requestIdV7(65_536), requestIdV7(2 ** 40)];
    expect([...ids].sort()).toEqual(ids);
    const sameMs = new Set(Array.from({ length: 10_000 }, () => requestIdV7(5_000)));
    expect(sameMs.size).toBe(10_000);
  });
});
