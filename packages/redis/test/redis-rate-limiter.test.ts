import { createRedisRateLimiter, failFastRedisOptions } from '@loom/redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPrefix, redisReachable, redisUrl } from './redis-helpers.js';

const clients: Redis[] = [];
const client = (url = redisUrl, options = {}) => {
  const made = new Redis(url, options);
  clients.push(made);
  return made;
};
afterAll(() => {
  for (const made of clients) made.disconnect();
});

describe.runIf(redisReachable)('Redis rate limiter', () => {
  it('admits the requests per minute, then refuses with a Retry-After inside the next two minutes', async () => {
    const limiter = createRedisRateLimiter(client(), { prefix: freshPrefix() });
    const decisions = [];
    for (let index = 0; index < 6; index += 1)
      decisions.push(await limiter.admit('key-a', { requestsPerMinute: 5 }));
    expect(decisions.slice(0, 5).every((decision) => decision.allowed)).toBe(true);
    const refused = decisions[5];
    expect(refused).toMatchObject({ allowed: false, limit: 'requests' });
    if (refused?.allowed === false) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(120_000);
    }
    // Another key has its own budget; no limits means no refusal.
    expect(await limiter.admit('key-b', { requestsPerMinute: 5 })).toEqual({ allowed: true });
    expect(await limiter.admit('key-a', {})).toEqual({ allowed: true });
  });

  it('refuses once the tokens used in the window reach the limit', async () => {
    const limiter = createRedisRateLimiter(client(), { prefix: freshPrefix() });
    expect(await limiter.admit('k', { tokensPerMinute: 1000 })).toEqual({ allowed: true });
    await limiter.addTokens('k', 600);
    expect(await limiter.admit('k', { tokensPerMinute: 1000 })).toEqual({ allowed: true });
    await limiter.addTokens('k', 400);
    expect(await limiter.admit('k', { tokensPerMinute: 1000 })).toMatchObject({
      allowed: false,
      limit: 'tokens',
    });
  });

  it('never lets three gateways together pass the limit', async () => {
    const prefix = freshPrefix();
    const limiters = [0, 1, 2].map(() => createRedisRateLimiter(client(), { prefix }));
    const decisions = await Promise.all(
      Array.from({ length: 150 }, (_, index) =>
        limiters[index % 3]!.admit('shared', { requestsPerMinute: 20 }),
      ),
    );
    const admitted = decisions.filter((decision) => decision.allowed).length;
    // 20, or 19 when the burst straddles a minute boundary (the old minute still weighs in).
    expect(admitted).toBeLessThanOrEqual(20);
    expect(admitted).toBeGreaterThanOrEqual(19);
  });

  it('admits while Redis is unreachable by default, and refuses with `closed`', async () => {
    const down = client('redis://127.0.0.1:1', { ...failFastRedisOptions(200), lazyConnect: true });
    const errors: unknown[] = [];
    const open = createRedisRateLimiter(down, { onError: (error) => errors.push(error) });
    expect(await open.admit('k', { requestsPerMinute: 1 })).toEqual({ allowed: true });
    expect(errors).toHaveLength(1);
    const closed = createRedisRateLimiter(down, { onUnavailable: 'closed' });
    await expect(closed.admit('k', { requestsPerMinute: 1 })).rejects.toThrow();
  });
});
