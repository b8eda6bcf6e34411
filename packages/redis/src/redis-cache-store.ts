import type { CacheEntry, CacheStore } from '@loom/core';
import type { Redis } from 'ioredis';
import { luaScript, runScript } from './run-script.js';

/** Shared single-flight: one gateway asks upstream, the others wait for its cached answer. */
export interface RedisSingleFlightOptions {
  /** How long a leader's lock lives, ms; default 15 000. Longer calls may be run twice. */
  lockMs?: number;
  /** How long a follower waits for the leader's answer before running itself, ms; default 5000. */
  waitMs?: number;
  /** How often a follower looks, ms; default 50. */
  pollMs?: number;
}

/** Options of `createRedisCacheStore`. */
export interface RedisCacheStoreOptions {
  /** Key prefix; default `loom:cache:`. */
  prefix?: string;
  /** Share single-flight across gateways through a lock key (SET NX PX); off by default. */
  singleFlight?: boolean | RedisSingleFlightOptions;
  /** Called when Redis fails; the cache then answers a miss and skips the write. */
  onError?: (error: unknown) => void;
}

/** Core's `CacheStore`, with every method answering a promise. */
export interface RedisCacheStore extends CacheStore {
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * KEYS: entry, lock. ARGV: token, lockMs. Answers {1, entry} on a hit, {2} when this caller took
 * the lock (it leads: it runs the request and its `set` releases the lock), {0} to keep waiting.
 */
const LOOKUP = luaScript(`
local entry = redis.call('GET', KEYS[1])
if entry then return {1, entry} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end
return {0}
`);

/** KEYS: entry, lock. ARGV: json, ttlMs, token. Stores the entry; releases the lock if ours. */
const STORE = luaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A response cache in Redis implementing core's `CacheStore` (entries as JSON with a PX TTL), for
 * `createKernel({ cache: { store } })`. With `singleFlight`, a miss takes a lock key: the first
 * gateway runs the request, the others poll for its cached answer for up to `waitMs`, then run
 * themselves (a failed leader caches nothing, and core never caches errors). Redis failures are
 * misses, never request errors.
 */
export function createRedisCacheStore(
  client: Redis,
  options: RedisCacheStoreOptions = {},
): RedisCacheStore {
  const prefix = options.prefix ?? 'loom:cache:';
  const flight = options.singleFlight
    ? {
        lockMs: 15_000,
        waitMs: 5000,
        pollMs: 50,
        ...(options.singleFlight === true ? {} : options.singleFlight),
      }
    : undefined;
  // Lock tokens of the requests this process leads, released by their `set`.
  const leading = new Map<string, string>();
  const keysOf = (key: string) => [prefix + key, `${prefix}${key}:lock`];
  const failed = (error: unknown) => {
    options.onError?.(error);
    return undefined;
  };
  const parse = (json: string): CacheEntry => JSON.parse(json) as CacheEntry;

  const lead = async (key: string): Promise<CacheEntry | undefined> => {
    if (!flight) return undefined;
    const token = globalThis.crypto.randomUUID();
    const deadline = Date.now() + flight.waitMs;
    for (;;) {
      const reply = (await runScript(client, LOOKUP, keysOf(key), [token, flight.lockMs])) as [
        number,
        string?,
      ];
      if (reply[0] === 1) return parse(reply[1] as string);
      if (reply[0] === 2) {
        leading.set(key, token);
        setTimeout(
          () => leading.get(key) === token && leading.delete(key),
          flight.lockMs,
        ).unref?.();
        return undefined;
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(flight.pollMs);
    }
  };

  return {
    async get(key) {
      try {
        const json = await client.get(prefix + key);
        if (json !== null) return parse(json);
        return await lead(key);
      } catch (error) {
        return failed(error);
      }
    },
    async set(key, entry, ttlMs) {
      const token = leading.get(key) ?? '';
      leading.delete(key);
      try {
        await runScript(client, STORE, keysOf(key), [
          JSON.stringify(entry),
          Math.max(1, Math.round(ttlMs)),
          token,
        ]);
      } catch (error) {
        failed(error);
      }
    },
    async delete(key) {
      try {
        await client.del(prefix + key);
      } catch (error) {
        failed(error);
      }
    },
  };
}
