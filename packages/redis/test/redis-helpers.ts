import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The shared test Redis; other test files use it at the same time, so every test takes a fresh prefix. */
export const redisUrl = process.env.LOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const redisReachable = await (async () => {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();
if (!redisReachable)
  console.warn(`@loom/redis tests skipped: no Redis at ${redisUrl} (set LOOM_TEST_REDIS_URL)`);

export const freshPrefix = () => `loom-test:${randomUUID()}:`;

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
