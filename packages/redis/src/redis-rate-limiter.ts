import type { Redis } from 'ioredis';
import { luaScript, runScript } from './run-script.js';

/** Per-key limits; an absent one is not enforced. */
export interface RateLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** Admitted, or refused with how long to wait and which limit was hit. */
export type RateDecision =
  | { allowed: true }
  | { allowed: false; retryAfterMs: number; limit: 'requests' | 'tokens' };

/** The gateway's rate-limiter shape; the in-memory one and this Redis one both implement it. */
export interface RateLimiter {
  /** Counts one request for `key`; refuses when requests or tokens in the window are at the limit. */
  admit(key: string, limits: RateLimits): Promise<RateDecision> | RateDecision;
  /** Adds tokens a finished request used. */
  addTokens(key: string, tokens: number): Promise<void> | void;
}

/** Options of `createRedisRateLimiter`. */
export interface RedisRateLimiterOptions {
  /** Key prefix; default `loom:rate:`. */
  prefix?: string;
  /** While Redis is unreachable: `open` (default) admits, `closed` rethrows the error. */
  onUnavailable?: 'open' | 'closed';
  /** Called when Redis fails. */
  onError?: (error: unknown) => void;
}

/*
 * A sliding minute approximated from two fixed one-minute windows: the previous window's count,
 * weighted by how much of it still overlaps the last 60 s, plus the current one's. Window ids come
 * from the Redis server's clock, shared by every gateway. Keys are derived in the script from
 * KEYS[1], whose hash tag keeps them on one Cluster slot.
 */
const COMMON = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = math.floor(now / 60000)
local elapsed = (now % 60000) / 60000
local function key(kind, window) return KEYS[1] .. ':' .. kind .. ':' .. window end
`;

/** KEYS: base. ARGV: requests limit, tokens limit (-1: none). {1} admitted, {0, kind, waitMs}. */
const ADMIT = luaScript(`${COMMON}
local function count(kind, window) return tonumber(redis.call('GET', key(kind, window)) or '0') end
local function wait(kind, limit)
  local previous = count(kind, id - 1)
  local current = count(kind, id)
  if previous > 0 then
    local fraction = (previous * (1 - elapsed) + current + 1 - limit) / previous
    if fraction <= 1 - elapsed then return math.max(1, math.ceil(fraction * 60000)) end
  end
  local next = 1
  if limit >= 1 and current > 0 then next = math.max(0, 1 - (limit - 1) / current) end
  return math.max(1, math.ceil(((1 - elapsed) + next) * 60000))
end
local function used(kind) return count(kind, id - 1) * (1 - elapsed) + count(kind, id) end
local requests = tonumber(ARGV[1])
local tokens = tonumber(ARGV[2])
if requests >= 0 and used('r') + 1 > requests then return {0, 'requests', wait('r', requests)} end
if tokens >= 0 and used('t') >= tokens then return {0, 'tokens', wait('t', tokens)} end
redis.call('INCR', key('r', id))
redis.call('PEXPIRE', key('r', id), 120000)
return {1}
`);

/** KEYS: base. ARGV: tokens. */
const ADD_TOKENS = luaScript(`${COMMON}
redis.call('INCRBY', key('t', id), ARGV[1])
redis.call('PEXPIRE', key('t', id), 120000)
return 1
`);

const limitArg = (value: number | undefined) => (value === undefined ? -1 : Math.max(0, value));

/**
 * Gateway-key rate limits shared by every gateway: one Lua script per call, so concurrent
 * requests on several gateways never pass a limit together. Refused requests are not counted.
 */
export function createRedisRateLimiter(
  client: Redis,
  options: RedisRateLimiterOptions = {},
): RateLimiter & { admit(key: string, limits: RateLimits): Promise<RateDecision> } {
  const prefix = options.prefix ?? 'loom:rate:';
  const base = (key: string) => `${prefix}{${key}}`;
  const unavailable = (error: unknown) => {
    options.onError?.(error);
    if (options.onUnavailable === 'closed') throw error;
  };
  return {
    async admit(key, limits) {
      if (limits.requestsPerMinute === undefined && limits.tokensPerMinute === undefined)
        return { allowed: true };
      try {
        const reply = (await runScript(
          client,
          ADMIT,
          [base(key)],
          [limitArg(limits.requestsPerMinute), limitArg(limits.tokensPerMinute)],
        )) as [number, ('requests' | 'tokens')?, number?];
        if (reply[0] === 1) return { allowed: true };
        return { allowed: false, limit: reply[1] ?? 'requests', retryAfterMs: Number(reply[2]) };
      } catch (error) {
        unavailable(error);
        return { allowed: true };
      }
    },
    async addTokens(key, tokens) {
      if (!(tokens > 0)) return;
      try {
        await runScript(client, ADD_TOKENS, [base(key)], [Math.round(tokens)]);
      } catch (error) {
        options.onError?.(error);
      }
    },
  };
}
