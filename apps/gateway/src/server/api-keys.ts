import { createHash, timingSafeEqual } from 'node:crypto';
import { modelMatcher } from './model-access.js';
import type { RateLimits } from './rate-limit/rate-limiter.js';

/**
 * A configured gateway key: the key alone, or with a name, team and owner, the models it may
 * use, an expiry and its own rate limits.
 */
export type GatewayKeyEntry =
  | string
  | {
      key: string;
      name?: string;
      team?: string;
      owner?: string;
      /** Models the key may use: aliases or `provider/model`, `*` for any run; default all. */
      models?: readonly string[];
      /** When the key stops working: epoch ms or an ISO 8601 date-time. */
      expiresAt?: number | string;
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
  /** Whether the key may use a model; absent when it may use every model. */
  allowsModel?: (model: string) => boolean;
  /** The entry's own limits (override the defaults field by field). */
  limits: RateLimits;
}

/** Checks presented gateway keys against the configured ones without keeping them in clear. */
export interface ApiKeyChecker {
  /** Whether any key is configured (when not, every request is let in). */
  readonly enabled: boolean;
  /** True when `presented` is one of the configured keys. */
  verify(presented: string | undefined): boolean;
  /** The identity of the configured key equal to `presented` (not expired), or undefined. */
  identify(presented: string | undefined): GatewayKeyIdentity | undefined;
  /** When `presented` is a configured key that has expired, its expiry (epoch ms). */
  expiredAt(presented: string | undefined): number | undefined;
}

interface StoredKey {
  digest: Buffer;
  identity: GatewayKeyIdentity;
  /** Epoch ms after which the key is refused. */
  expiresAt: number;
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
  const holder: Exclude<GatewayKeyEntry, string> | Record<string, never> =
    typeof entry === 'string' ? {} : entry;
  const identity: GatewayKeyIdentity = { name, id, limits: Object.freeze(limits) };
  if (holder.team !== undefined) identity.team = holder.team;
  if (holder.owner !== undefined) identity.owner = holder.owner;
  if (holder.models !== undefined) identity.allowsModel = modelMatcher(holder.models);
  const expiresAt =
    holder.expiresAt === undefined
      ? Number.POSITIVE_INFINITY
      : typeof holder.expiresAt === 'number'
        ? holder.expiresAt
        : Date.parse(holder.expiresAt);
  return { digest: hashed, identity: Object.freeze(identity), expiresAt };
}

/**
 * Hashes the configured keys once (sha256) and forgets the plain text. Comparing fixed-length
 * digests with `timingSafeEqual`, and always against every stored digest, keeps the time taken
 * independent of how much of a key matched and of which key matched.
 */
export function createApiKeyChecker(entries: readonly GatewayKeyEntry[] = []): ApiKeyChecker {
  const stored = entries.map(store).filter((entry): entry is StoredKey => entry !== undefined);
  const find = (presented: string | undefined): StoredKey | undefined => {
    if (presented === undefined) return undefined;
    const candidate = digest(presented);
    let found: StoredKey | undefined;
    for (const entry of stored) {
      if (timingSafeEqual(entry.digest, candidate)) found ??= entry;
    }
    return found;
  };
  const identify = (presented: string | undefined): GatewayKeyIdentity | undefined => {
    const found = find(presented);
    return found && Date.now() < found.expiresAt ? found.identity : undefined;
  };
  return {
    enabled: stored.length > 0,
    identify,
    verify: (presented) => identify(presented) !== undefined,
    expiredAt(presented) {
      const found = find(presented);
      return found && Date.now() >= found.expiresAt ? found.expiresAt : undefined;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}
