import { type Dispatcher, Pool } from 'undici';
import { type CallCancel, undiciSignal } from './undici-abort.js';
import { dispatchWhole, type WholeResponse } from './whole-response.js';

/** Connection settings of an `HttpClient`. */
export interface HttpClientSettings {
  /** API base URL; its origin is where connections go, its path prefixes every API path. */
  baseURL: string;
  /** Most sockets open to the upstream at once. */
  connections: number;
  /** How long an idle socket stays open, milliseconds; undici's default when absent. */
  keepAliveTimeoutMs?: number;
  /** Limit for opening a socket (TCP and TLS), milliseconds; undici's default when absent. */
  connectTimeoutMs?: number;
  /** Limit for response headers, milliseconds. */
  headersTimeoutMs: number;
  /** Limit for silence between body chunks, milliseconds (0 disables it). */
  bodyTimeoutMs: number;
  /** Use this dispatcher instead of a pool of Loom's own; the caller then owns its lifetime. */
  dispatcher?: Dispatcher;
}

/** One HTTP exchange. */
export interface SendOptions {
  method: 'GET' | 'POST';
  /** Path from the origin, already including the API prefix where one applies. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal: CallCancel;
  /** Streams leave the body timeout to Loom's stream watchdog (first chunk, then idle). */
  stream?: boolean;
}

/** A keep-alive connection pool to one upstream origin. */
export interface HttpClient {
  /** `http://host:port`. */
  readonly origin: string;
  /** Path prefix of the API (`/v1`), '' when there is none. */
  readonly basePath: string;
  /** Sends a request; rejects with undici's error (or the abort reason) on transport failure. */
  send(options: SendOptions): Promise<Dispatcher.ResponseData>;
  /** Sends a request and reads its whole answer (an error status keeps 64 KiB of body at most). */
  sendWhole(options: SendOptions): Promise<WholeResponse>;
  /** Closes the pool (waits briefly for requests in flight); safe to call twice. */
  close(): Promise<void>;
}

/** How long `close()` lets requests in flight finish before cutting them. */
const CLOSE_GRACE_MS = 2_000;

export function createPool(origin: string, settings: HttpClientSettings): Pool {
  return new Pool(origin, {
    connections: settings.connections,
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    ...(settings.keepAliveTimeoutMs === undefined
      ? {}
      : { keepAliveTimeout: settings.keepAliveTimeoutMs }),
    ...(settings.connectTimeoutMs === undefined
      ? {}
      : { connect: { timeout: settings.connectTimeoutMs } }),
  });
}

export async function closeGracefully(pool: Pool): Promise<void> {
  // A stream nobody reads would hold close() forever: cut what is left after the grace period.
  const timer = setTimeout(() => pool.destroy().catch(() => {}), CLOSE_GRACE_MS);
  timer.unref();
  try {
    await pool.close();
  } catch {
    // Already destroyed: nothing left to release.
  } finally {
    clearTimeout(timer);
  }
}

/** Creates the client; one per provider instance, so sockets are reused across calls. */
export function createHttpClient(settings: HttpClientSettings): HttpClient {
  const url = new URL(settings.baseURL);
  const origin = url.origin;
  const pool = settings.dispatcher ? undefined : createPool(origin, settings);
  const dispatcher: Dispatcher = settings.dispatcher ?? pool!;
  const { headersTimeoutMs, bodyTimeoutMs } = settings;
  let closing: Promise<void> | undefined;
  return {
    origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    send(options) {
      return dispatcher.request({
        origin,
        path: options.path,
        method: options.method,
        headers: options.headers,
        body: options.body ?? null,
        signal: undiciSignal(options.signal),
        headersTimeout: headersTimeoutMs,
        bodyTimeout: options.stream ? 0 : bodyTimeoutMs,
      });
    },
    sendWhole(options) {
      return dispatchWhole(
        dispatcher,
        {
          origin,
          path: options.path,
          method: options.method,
          headers: options.headers,
          body: options.body ?? null,
          headersTimeout: headersTimeoutMs,
          bodyTimeout: bodyTimeoutMs,
        },
        options.signal,
      );
    },
    close() {
      closing ??= pool ? closeGracefully(pool) : Promise.resolve();
      return closing;
    },
  };
}
