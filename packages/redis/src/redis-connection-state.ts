import type { Redis, RedisOptions } from 'ioredis';

/** Connection state for /readyz and metrics: `connecting` only until the first connection. */
export type RedisConnectionState = 'ready' | 'connecting' | 'down';

/** Follows one client's connection; `close()` removes the listeners. */
export interface RedisConnectionWatch {
  state(): RedisConnectionState;
  /** Calls `listener` on each change; returns a function that removes it. */
  onChange(listener: (state: RedisConnectionState) => void): () => void;
  close(): void;
}

/**
 * Watches ioredis' events. Once the connection is lost the state stays `down` through every
 * reconnect attempt until the client is ready again, so a readiness probe does not flap.
 * (`@loom/cost` keeps its own copy for its budget counters: it may not depend on this package.)
 */
export function redisConnectionState(client: Redis): RedisConnectionWatch {
  const lost = ['end', 'close', 'reconnecting'].includes(client.status);
  let current: RedisConnectionState =
    client.status === 'ready' ? 'ready' : lost ? 'down' : 'connecting';
  const listeners = new Set<(state: RedisConnectionState) => void>();
  const set = (next: RedisConnectionState) => {
    if (next === current) return;
    current = next;
    for (const listener of listeners) listener(next);
  };
  const onReady = () => set('ready');
  const onDown = () => set('down');
  client.on('ready', onReady);
  client.on('close', onDown);
  client.on('end', onDown);
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
      listeners.clear();
    },
  };
}

/**
 * ioredis options for a shared client that fails fast while Redis is unreachable: no offline
 * queue, a command timeout, no per-command retries, reconnects from 50 ms doubling to 2 s.
 */
export function failFastRedisOptions(commandTimeoutMs = 1000): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.max(0, attempt - 1), 2000),
  };
}
