import { createHash, timingSafeEqual } from 'node:crypto';
import type { RateLimits } from './rate-limit/rate-limiter.js';

/** A configured gateway key: the key alone, or with a name and its own rate limits. */
export type GatewayKeyEntry =
  | string
  | {
      key: string;
      name?: string;
      team?: string;
      owner?: string;
      requestsPerMinute?: number;
      tokensPerMinute?: number;
    };

/** Who a verified key belongs to; never holds the key itself. */
export interface GatewayKeyIdentity {
  /** The entry's `name`, or `key-N` (1-based position in the config) when it has none. */
  name: string;
  /** Stable id for rate-limit counters: a short sha256 fingerprint of the key. */
  id: string;
  /** The entry's `team`, when it names one. */
  team?: string;
  /** The entry's `owner`, when it names one. */
  owner?: string;
  /** The entry's own limits (override the defaults field by field). */
  limits: RateLimits;
}

/** Checks presented gateway keys against the configured ones without keeping them in clear. */
export interface ApiKeyChecker {
  /** Whether any key is configured (when not, every request is let in). */
  readonly enabled: boolean;
  /** True when `presented` is one of the configured keys. */
  verify(presented: string | undefined): boolean;
  /** The identity of the configured key equal to `presented`, or undefined. */
  identify(presented: string | undefined): GatewayKeyIdentity | undefined;
}

interface StoredKey {
  digest: Buffer;
  identity: GatewayKeyIdentity;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function store(entry: GatewayKeyEntry, index: number): StoredKey | undefined {
  const key = typeof entry === 'string' ? entry : entry.key;
  if (key.length === 0) return undefined;
  const hashed = digest(key);
  const limits: RateLimits = {};
  if (typeof entry !== 'string') {
    if (entry.requestsPerMinute !== undefined) limits.requestsPerMinute = entry.requestsPerMinute;
    if (entry.tokensPerMinute !== undefined) limits.tokensPerMinute = entry.tokensPerMinute;
  }
  const name = (typeof entry === 'string' ? undefined : entry.name) ?? `key-${index + 1}`;
  // A fingerprint, not the name: two entries sharing a name still get their own counters.
  const id = `key:${hashed.subarray(0, 8).toString('hex')}`;
  const holder: { team?: string; owner?: string } = typeof entry === 'string' ? {} : entry;
  const identity: GatewayKeyIdentity = { name, id, limits: Object.freeze(limits) };
  if (holder.team !== undefined) identity.team = holder.team;
  if (holder.owner !== undefined) identity.owner = holder.owner;
  return { digest: hashed, identity: Object.freeze(identity) };
}

/**
 * Hashes the configured keys once (sha256) and forgets the plain text. Comparing fixed-length
 * digests with `timingSafeEqual`, and always against every stored digest, keeps the time taken
 * independent of how much of a key matched and of which key matched.
 */
export function createApiKeyChecker(entries: readonly GatewayKeyEntry[] = []): ApiKeyChecker {
  const stored = entries.map(store).filter((entry): entry is StoredKey => entry !== undefined);
  const identify = (presented: string | undefined): GatewayKeyIdentity | undefined => {
    if (presented === undefined) return undefined;
    const candidate = digest(presented);
    let found: GatewayKeyIdentity | undefined;
    for (const entry of stored) {
      if (timingSafeEqual(entry.digest, candidate)) found ??= entry.identity;
    }
    return found;
  };
  return {
    enabled: stored.length > 0,
    identify,
    verify: (presented) => identify(presented) !== undefined,
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}
