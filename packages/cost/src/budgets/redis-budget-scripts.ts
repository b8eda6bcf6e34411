import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, for EVALSHA with an EVAL fallback. */
export interface LuaScript {
  source: string;
  sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/*
 * Layout of one counter (key K): a hash with `spent`, `reserved`, `h:<holder>` (what each
 * running admission holds) and `seeded` (the seeding epoch: when the ledger read that seeded it
 * began, epoch ms; absent when it started from zero), plus a sorted set `K:leases` of holders
 * scored by lease expiry. Every script reaps the expired leases of the counters it touches
 * before it reads them, so a gateway that crashed mid-request holds budget only until its lease
 * runs out. Lease times use the Redis server's clock, the one clock every gateway shares.
 * Each process (owner) lists its leases in a set `owner:<id>` (members `holder\nK`), and each
 * host its owners in `host:<name>`, so a later process on that host can release a dead one's.
 * Replies start with a code: 0 done, 1 refused, 2 counters missing (seed them, then retry).
 */
const COMMON = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function release(counter, amount)
  if redis.call('HINCRBY', counter, 'reserved', -amount) < 0 then
    redis.call('HSET', counter, 'reserved', 0)
  end
end
local function reap(counter, leases, now)
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  if #expired == 0 then return end
  for _, holder in ipairs(expired) do
    local held = redis.call('HGET', counter, 'h:' .. holder)
    if held then
      release(counter, tonumber(held))
      redis.call('HDEL', counter, 'h:' .. holder)
    end
  end
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
end
local function expireAt(key, at)
  if at == 'never' then redis.call('PERSIST', key) else redis.call('PEXPIREAT', key, at) end
end
-- Only lengthens: processes with different lease lengths share the host's set.
local function extendTo(key, at, now)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 or now + ttl < at then redis.call('PEXPIREAT', key, at) end
end
local function field(counter, name)
  return tonumber(redis.call('HGET', counter, name) or '0')
end
local function missing(count, seeding)
  if seeding ~= '1' then return nil end
  local absent = {}
  for i = 1, count do
    if redis.call('EXISTS', KEYS[i]) == 0 then absent[#absent + 1] = i end
  end
  if #absent == 0 then return nil end
  table.insert(absent, 1, 2)
  return absent
end
`;

/**
 * KEYS: n counters, their n lease sets, this process's owner set, its host's owner set. ARGV:
 * leaseMs, seeding ('1' or '0'), owner id, then per counter: amount, limit (-1: none), expireAt
 * (ms or 'never'), holder ('' for none). Checks every limit first, then adds every amount: all
 * or nothing.
 */
export const RESERVE_SCRIPT = script(`${COMMON}
local n = (#KEYS - 2) / 2
local absent = missing(n, ARGV[2])
if absent then return absent end
local now = nowMs()
for i = 1, n do
  reap(KEYS[i], KEYS[n + i], now)
  local base = 3 + (i - 1) * 4
  local amount = tonumber(ARGV[base + 1])
  local limit = tonumber(ARGV[base + 2])
  local spent = field(KEYS[i], 'spent')
  local reserved = field(KEYS[i], 'reserved')
  if limit >= 0 and spent + reserved + amount > limit then return {1, i, spent, reserved} end
end
local leaseUntil = now + tonumber(ARGV[1])
local owned = false
for i = 1, n do
  local base = 3 + (i - 1) * 4
  local amount = tonumber(ARGV[base + 1])
  local holder = ARGV[base + 4]
  redis.call('HINCRBY', KEYS[i], 'reserved', amount)
  redis.call('HINCRBY', KEYS[i], 'spent', 0)
  if holder ~= '' and amount > 0 then
    redis.call('HINCRBY', KEYS[i], 'h:' .. holder, amount)
    redis.call('ZADD', KEYS[n + i], leaseUntil, holder)
    expireAt(KEYS[n + i], ARGV[base + 3])
    redis.call('SADD', KEYS[2 * n + 1], holder .. '\\n' .. KEYS[i])
    owned = true
  end
  expireAt(KEYS[i], ARGV[base + 3])
end
if owned then
  extendTo(KEYS[2 * n + 1], leaseUntil, now)
  redis.call('SADD', KEYS[2 * n + 2], ARGV[3])
  extendTo(KEYS[2 * n + 2], leaseUntil, now)
end
return {0}
`);

/**
 * KEYS: n counters, their n lease sets, this process's owner set. ARGV: seeding, then per
 * counter: reserved (released when there is no holder), actual, expireAt, holder. A holder whose
 * lease was reaped has nothing left to release: its actual spend is still added, so nothing is
 * counted twice or lost.
 */
export const SETTLE_SCRIPT = script(`${COMMON}
local n = (#KEYS - 1) / 2
local absent = missing(n, ARGV[1])
if absent then return absent end
local now = nowMs()
local states = {0}
for i = 1, n do
  local base = 1 + (i - 1) * 4
  local holder = ARGV[base + 4]
  reap(KEYS[i], KEYS[n + i], now)
  if holder ~= '' then
    local held = redis.call('HGET', KEYS[i], 'h:' .. holder)
    if held then
      release(KEYS[i], tonumber(held))
      redis.call('HDEL', KEYS[i], 'h:' .. holder)
      redis.call('ZREM', KEYS[n + i], holder)
    end
    redis.call('SREM', KEYS[2 * n + 1], holder .. '\\n' .. KEYS[i])
  else
    release(KEYS[i], tonumber(ARGV[base + 1]))
  end
  local spent = redis.call('HINCRBY', KEYS[i], 'spent', tonumber(ARGV[base + 2]))
  expireAt(KEYS[i], ARGV[base + 3])
  states[#states + 1] = spent
  states[#states + 1] = field(KEYS[i], 'reserved')
end
return states
`);

/** KEYS: counter, lease set. ARGV: seeding. Reaps, then answers {0, spent, reserved}. */
export const READ_SCRIPT = script(`${COMMON}
local absent = missing(1, ARGV[1])
if absent then return absent end
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0, 0} end
reap(KEYS[1], KEYS[2], nowMs())
return {0, field(KEYS[1], 'spent'), field(KEYS[1], 'reserved')}
`);

/**
 * KEYS: counter. ARGV: spent, expireAt, epoch (when the ledger read began). Creates the counter
 * only when it does not exist (SET NX semantics): two gateways seeding at once count the
 * ledger's spend once, and the epoch stored is the one of the spend stored. Replies 1 when seeded.
 */
export const SEED_SCRIPT = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'spent', ARGV[1], 'reserved', 0, 'seeded', ARGV[3])
if ARGV[2] == 'never' then return 1 end
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`);

/**
 * KEYS: counters. ARGV: seeding, then per counter: expireAt, a count m, then m pairs (settled
 * at, epoch ms; spend). Pushes spend counted locally while Redis was unreachable. Its ledger rows
 * were stored before it was settled, so a reseed that began later already counts it: only spend
 * settled at or after the counter's seeding epoch is added. A counter that is gone is skipped
 * when seeding is on: its next use seeds it from the ledger. Replies the amount added per counter.
 */
export const RECONCILE_SCRIPT = script(`
local added = {}
local at = 2
for i = 1, #KEYS do
  local expiry = ARGV[at]
  local first = at + 2
  at = first + 2 * tonumber(ARGV[at + 1])
  local sum = 0
  if ARGV[1] ~= '1' or redis.call('EXISTS', KEYS[i]) == 1 then
    local seeded = tonumber(redis.call('HGET', KEYS[i], 'seeded') or '0')
    for r = first, at - 1, 2 do
      if tonumber(ARGV[r]) >= seeded then sum = sum + tonumber(ARGV[r + 1]) end
    end
    redis.call('HINCRBY', KEYS[i], 'spent', sum)
    redis.call('HINCRBY', KEYS[i], 'reserved', 0)
    if expiry == 'never' then redis.call('PERSIST', KEYS[i]) else redis.call('PEXPIREAT', KEYS[i], expiry) end
  end
  added[i] = sum
end
return added
`);

/**
 * KEYS: a dead process's owner set, its host's owner set, then per lease: counter, lease set.
 * ARGV: owner id, then per lease: holder. Releases what each holder still holds and forgets the
 * owner once its set is empty. Replies the amount released.
 */
export const RELEASE_OWNER_SCRIPT = script(`${COMMON}
local released = 0
for i = 3, #KEYS, 2 do
  local holder = ARGV[(i - 1) / 2 + 1]
  local held = redis.call('HGET', KEYS[i], 'h:' .. holder)
  if held then
    release(KEYS[i], tonumber(held))
    redis.call('HDEL', KEYS[i], 'h:' .. holder)
    released = released + tonumber(held)
  end
  redis.call('ZREM', KEYS[i + 1], holder)
  redis.call('SREM', KEYS[1], holder .. '\\n' .. KEYS[i])
end
if redis.call('SCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return released
`);
