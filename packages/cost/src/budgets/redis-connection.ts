import type { Redis, RedisOptions } from 'ioredis';
import { loadOptional } from '../ledger/load-optional.js';
import type { LuaScript } from './redis-budget-scripts.js';

/** Connection state for /readyz and metrics: `connecting` only until the first connection. */
export type RedisConnectionState = 'ready' | 'connecting' | 'down';

/** Watches a client's connection; `close()` removes the listeners. */
export interface RedisConnectionWatch {
  state(): RedisConnectionState;
  /** Calls `listener` on each change; returns a function that removes it. */
  onChange(listener: (state: RedisConnectionState) => void): () => void;
  close(): void;
}

/**
 * Follows ioredis' events. Once a connection was lost the state stays `down` through every
 * reconnect attempt until the client is ready again, so /readyz does not flap.
 */
export function watchRedisConnection(client: Redis): RedisConnectionWatch {
  let current: RedisConnectionState = client.status === 'ready' ? 'ready' : 'connecting';
  if (client.status === 'end' || client.status === 'close' || client.status === 'reconnecting')
    current = 'down';
  const listeners = new Set<(state: RedisConnectionState) => void>();
  const set = (next: RedisConnectionState) => {
    if (next === current) return;
    current = next;
    for (const listener of listeners) listener(next);
  };
  const onReady = () => set('ready');
  const onDown = () => set('down');
  // ioredis emits some errors straight to 'error' (not only its logged connection errors): on a
  // client passed in without a listener, that would be uncaught and end the process. The
  // connection's fate shows in the state.
  const onError = () => {};
  client.on('ready', onReady);
  client.on('close', onDown);
  client.on('end', onDown);
  client.on('error', onError);
  return {
    state: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      client.off('ready', onReady);
      client.off('close', onDown);
      client.off('end', onDown);
      client.off('error', onError);
      listeners.clear();
    },
  };
}

/** Reconnect delay: 50 ms doubling to a 2 s cap, forever. */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.max(0, attempt - 1), 2000);
}

/**
 * Client options that fail fast while Redis is unreachable: no offline queue (a command fails at
 * once instead of waiting for a reconnect), a command timeout for a connection that hangs, and
 * capped exponential reconnects. Use them for a client you pass in yourself.
 */
export function failFastRedisOptions(commandTimeoutMs = 1000): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelay,
  };
}

/** Connects to `url` with `failFastRedisOptions`, loading ioredis only now. */
export async function connectRedis(url: string, commandTimeoutMs?: number): Promise<Redis> {
  const module = await loadOptional('ioredis', 'Redis budget', () => import('ioredis'));
  const client = new module.Redis(url, failFastRedisOptions(commandTimeoutMs));
  // Connection errors show in `state()`; without a listener ioredis logs each retry's error.
  client.on('error', () => {});
  return client;
}

/** Resolves when the client is ready, or after `timeoutMs` (the caller then sees it is down). */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref?.();
    client.on('ready', done);
  });
}

/** EVALSHA, falling back to EVAL once when the server has not seen the script (after a restart). */
export async function runScript(
  client: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}
