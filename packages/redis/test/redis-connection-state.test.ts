import { failFastRedisOptions, redisConnectionState } from '@loom/redis';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisReachable, redisUrl, until } from './redis-helpers.js';

describe.runIf(redisReachable)('Redis connection state', () => {
  it('goes connecting → ready → down → ready, and commands fail fast while down', async () => {
    const client = new Redis(redisUrl, { ...failFastRedisOptions(500), lazyConnect: true });
    const watch = redisConnectionState(client);
    const seen: string[] = [];
    watch.onChange((state) => seen.push(state));
    expect(watch.state()).toBe('connecting');
    await client.connect();
    await until(() => watch.state() === 'ready');
    client.disconnect();
    await until(() => watch.state() === 'down');
    const started = Date.now();
    await expect(client.get('anything')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
    await client.connect();
    await until(() => watch.state() === 'ready');
    expect(seen).toEqual(['ready', 'down', 'ready']);
    watch.close();
    client.disconnect();
  });

  it('reports down for a server that is not there', async () => {
    const client = new Redis('redis://127.0.0.1:1', failFastRedisOptions(200));
    client.on('error', () => {});
    const watch = redisConnectionState(client);
    await until(() => watch.state() === 'down');
    watch.close();
    client.disconnect();
  });
});
