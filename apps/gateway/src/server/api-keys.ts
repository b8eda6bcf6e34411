import { createHash, timingSafeEqual } from 'node:crypto';

/** Checks presented gateway keys against the configured ones without keeping them in clear. */
export interface ApiKeyChecker {
  /** Whether any key is configured (when not, every request is let in). */
  readonly enabled: boolean;
  /** True when `presented` is one of the configured keys. */
  verify(presented: string | undefined): boolean;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Hashes the configured keys once (sha256) and forgets the plain text. Comparing fixed-length
 * digests with `timingSafeEqual`, and always against every stored digest, keeps the time taken
 * independent of how much of a key matched and of which key matched.
 */
export function createApiKeyChecker(keys: readonly string[] = []): ApiKeyChecker {
  const digests = keys.filter((key) => key.length > 0).map(digest);
  return {
    enabled: digests.length > 0,
    verify(presented) {
      if (presented === undefined) return false;
      const candidate = digest(presented);
      let match = false;
      for (const stored of digests) match = timingSafeEqual(stored, candidate) || match;
      return match;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}
