import type { CacheEntry } from '@loom/core';
import { createRedisCacheStore, failFastRedisOptions } from '@loom/redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPrefix, redisReachable, redisUrl, until } from './redis-helpers.js';

const clients: Redis[] = [];
const client = () => {
  const made = new Redis(redisUrl);
  clients.push(made);
  return made;
};
afterAll(() => {
  for (const made of clients) made.disconnect();
});

const entry = (text: string): CacheEntry => ({
  response: {
    id: 'chatcmpl-1',
    model: 'gpt-4o-mini',
    created: 1,
    message: { role: 'assistant', content: text },
    finishReason: 'stop',
    usage: { inputTokens: 3, outputTokens: 1 },
  } as unknown as CacheEntry['response'],
  deployment: {
    id: 'openai/gpt-4o-mini',
    providerId: 'openai',
    model: 'gpt-4o-mini',
  } as CacheEntry['deployment'],
  storedAt: 1_700_000_000_000,
});

describe.runIf(redisReachable)('Redis cache store', () => {
  it('stores JSON with a PX expiry, answers misses, and deletes', async () => {
    const prefix = freshPrefix();
    const redis = client();
    const store = createRedisCacheStore(redis, { prefix });
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', entry('hello'), 60_000);
    expect(await store.get('k')).toEqual(entry('hello'));
    const ttl = await redis.pttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // Another gateway's store sees the same entry.
    expect(await createRedisCacheStore(client(), { prefix }).get('k')).toEqual(entry('hello'));
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    await store.set('short', entry('soon gone'), 50);
    await until(async () => (await store.get('short')) === undefined);
  });

  it('shares single-flight: one gateway leads, the others receive its cached answer', async () => {
    const prefix = freshPrefix();
    const stores = [0, 1, 2].map(() =>
      createRedisCacheStore(client(), { prefix, singleFlight: { waitMs: 5000, pollMs: 20 } }),
    );
    const lookups = Array.from({ length: 12 }, (_, index) => stores[index % 3]!.get('same'));
    // Exactly one lookup resolves as a miss at once: that caller runs the request.
    const first = await Promise.race(lookups.map((lookup, index) => lookup.then(() => index)));
    expect(await lookups[first]).toBeUndefined();
    await stores[first % 3]!.set('same', entry('shared'), 60_000);
    const answers = await Promise.all(lookups);
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(1);
    expect(answers.filter((answer) => answer !== undefined)).toHaveLength(11);
    expect(await client().exists(`${prefix}same:lock`)).toBe(0);
  });

  it('lets followers run themselves when the leader never answers', async () => {
    const prefix = freshPrefix();
    const options = { prefix, singleFlight: { waitMs: 200, pollMs: 20, lockMs: 60_000 } };
    const leader = createRedisCacheStore(client(), options);
    const follower = createRedisCacheStore(client(), options);
    expect(await leader.get('failing')).toBeUndefined();
    const started = Date.now();
    expect(await follower.get('failing')).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('treats an unreachable Redis as a miss and reports it, without hanging', async () => {
    const errors: unknown[] = [];
    const down = new Redis('redis://127.0.0.1:1', {
      ...failFastRedisOptions(200),
      lazyConnect: true,
    });
    clients.push(down);
    const store = createRedisCacheStore(down, {
      prefix: freshPrefix(),
      onError: (error) => errors.push(error),
    });
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', entry('lost'), 1000);
    expect(errors).toHaveLength(2);
  });
});
