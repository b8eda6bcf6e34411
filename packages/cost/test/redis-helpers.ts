import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The shared test Redis: never flushed; every test takes its own key prefix. */
export const redisUrl = process.env.LOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const redisReachable = await (async () => {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();

/** A prefix no other test uses; the braces keep its keys on one Cluster slot. */
export const freshPrefix = () => `{loom-test-${randomUUID()}}:`;

/** Polls `condition` every 25 ms; fails after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Deletes every key under `prefix`: Redis losing its data, without touching other tests' keys. */
export async function loseData(admin: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await admin.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
