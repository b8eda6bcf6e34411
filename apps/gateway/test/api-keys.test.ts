import { describe, expect, it } from 'vitest';
import { bearerToken, createApiKeyChecker } from '../src/server/api-keys.js';

describe('gateway API keys', () => {
  it('accepts configured keys and refuses others', () => {
    const checker = createApiKeyChecker(['first-key-0001', 'second-key-0002']);
    expect(checker.enabled).toBe(true);
    expect(checker.verify('second-key-0002')).toBe(true);
    expect(checker.verify('second-key-0003')).toBe(false);
    expect(checker.verify('')).toBe(false);
    expect(checker.verify(undefined)).toBe(false);
  });

  it('keeps no plain key in the checker', () => {
    const checker = createApiKeyChecker(['plain-canary-key-42']);
    const seen = new Set<unknown>();
    const walk = (value: unknown): string => {
      if (typeof value !== 'object' || value === null || seen.has(value)) return String(value);
      seen.add(value);
      return Object.values(value).map(walk).join('|');
    };
    expect(walk(checker)).not.toContain('plain-canary-key-42');
    expect(JSON.stringify(checker)).not.toContain('plain-canary-key-42');
  });

  it('is open when no key is configured, and reads bearer tokens', () => {
    expect(createApiKeyChecker().enabled).toBe(false);
    expect(bearerToken('Bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
  });
});
