import type { Dispatcher } from 'undici';
import { closeGracefully, createPool, type HttpClientSettings } from './http-client.js';

/** A connection pool several clients send through; whoever made it closes it. */
export interface SharedPool {
  /** Hand this to each client as its `dispatcher`. */
  readonly dispatcher: Dispatcher;
  /** Closes the pool (requests in flight get a short grace); safe to call twice. */
  close(): Promise<void>;
}

/**
 * One pool for clients that differ only in their time limits (cold calls that may wait longer
 * for headers, say), so they share sockets and the `connections` cap. Each request carries its
 * client's own limits. A `dispatcher` in the settings is used as it is and left open.
 */
export function createSharedPool(settings: HttpClientSettings): SharedPool {
  const given = settings.dispatcher;
  if (given) return { dispatcher: given, close: () => Promise.resolve() };
  const pool = createPool(new URL(settings.baseURL).origin, settings);
  let closing: Promise<void> | undefined;
  return {
    dispatcher: pool,
    close() {
      closing ??= closeGracefully(pool);
      return closing;
    },
  };
}
