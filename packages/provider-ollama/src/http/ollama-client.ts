import { MalformedResponseError, ProviderCallError, type TimeoutPhase } from '@loom/core';
import { type Dispatcher, Pool } from 'undici';
import { mapHttpError } from '../errors/map-http-error.js';
import { mapTransportError } from '../errors/map-transport-error.js';
import { type Redact, safeCause } from '../errors/redactor.js';
import { Exchange } from './exchange.js';
import { type ResponseBody, readText } from './read-body.js';
import type { ResponseHeaders } from './retry-after.js';

/** What the client needs from the provider's settings. */
export interface ClientOptions {
  provider: string;
  baseURL: string;
  headers: Readonly<Record<string, string>>;
  connections: number;
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
  bodyTimeoutMs: number;
  dispatcher?: Dispatcher;
  redact: Redact;
}

/** How long an answer may take to start, and what a timeout then reports. */
export interface FirstByteLimit {
  phase: TimeoutPhase;
  timeoutMs: number;
  /** Keep the clock running past the headers, until the first body bytes (streams). */
  untilFirstChunk?: boolean;
}

/** One request. */
export interface SendOptions {
  method: 'GET' | 'POST';
  /** Path under the base URL, such as `/api/chat`. */
  path: string;
  /** JSON body. */
  body?: unknown;
  /** The caller's signal. */
  signal: AbortSignal;
  /** Limit until the answer starts; with `untilFirstChunk`, until its first body bytes. */
  firstByte: FirstByteLimit;
  /** Model the request is for, so a 404 can name it. */
  model?: string;
}

/** A successful answer whose body is still to be read. */
export interface OpenResponse {
  headers: ResponseHeaders;
  body: ResponseBody;
  exchange: Exchange;
  url: string;
}

const ERROR_BODY_LIMIT = 64 * 1024;
const CLOSE_GRACE_MS = 2_000;

/** HTTP to one Ollama server through one undici `Pool` (or the caller's dispatcher). */
export class OllamaClient {
  private pool: Pool | undefined;
  private closing: Promise<void> | undefined;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: ClientOptions) {
    const url = new URL(options.baseURL);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.headers = { 'user-agent': 'loom-provider-ollama', ...options.headers };
  }

  private dispatcher(): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    this.pool ??= new Pool(this.origin, {
      connections: this.options.connections,
      keepAliveTimeout: this.options.keepAliveTimeoutMs,
      connect: { timeout: this.options.connectTimeoutMs },
      // Our own clocks (Exchange) time each phase; undici's would fire with the wrong phase.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return this.pool;
  }

  /** Sends a request; resolves once a 2xx answer started, rejects with a `LoomError` otherwise. */
  async send(options: SendOptions): Promise<OpenResponse> {
    options.signal.throwIfAborted();
    const { provider, redact } = this.options;
    const url = `${this.options.baseURL}${options.path}`;
    if (this.closing) {
      throw new ProviderCallError({ provider, message: 'the provider is closed', url });
    }
    const exchange = new Exchange(options.signal, provider);
    exchange.arm(options.firstByte.phase, options.firstByte.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher().request({
        origin: this.origin,
        path: `${this.prefix}${options.path}`,
        method: options.method,
        headers:
          options.body === undefined
            ? this.headers
            : { ...this.headers, 'content-type': 'application/json' },
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: exchange.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    } catch (error) {
      exchange.release();
      throw exchange.reason ?? mapTransportError(error, { provider, url, redact });
    }
    const body: ResponseBody = response.body;
    if (!options.firstByte.untilFirstChunk || response.statusCode >= 300) exchange.disarm();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return { headers: response.headers, body, exchange, url };
    }
    let text = '';
    try {
      text = await readText(body, exchange, this.options.bodyTimeoutMs, ERROR_BODY_LIMIT);
    } catch {
      if (exchange.reason !== undefined) throw exchange.reason;
      // The status says enough; a broken error body only loses the upstream's wording.
    } finally {
      exchange.release();
    }
    throw mapHttpError({
      provider,
      status: response.statusCode,
      headers: response.headers,
      body: text,
      url,
      redact,
      ...(options.model === undefined ? {} : { model: options.model }),
    });
  }

  /** Sends a request and parses its JSON answer. */
  async json(options: SendOptions): Promise<unknown> {
    const { body, exchange, url } = await this.send(options);
    const { provider, redact } = this.options;
    let text: string;
    try {
      text = await readText(body, exchange, this.options.bodyTimeoutMs);
    } catch (error) {
      throw exchange.reason ?? mapTransportError(error, { provider, url, redact });
    } finally {
      exchange.release();
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new MalformedResponseError({
        provider,
        message: `${redact(url)} answered with a body that is not JSON`,
        cause: safeCause(error, redact),
      });
    }
  }

  /** Closes the pool: open requests get a short grace period, then their sockets are destroyed. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const pool = this.pool;
      if (!pool) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
      });
      const closed = pool.close().then(
        () => 'closed' as const,
        () => 'closed' as const,
      );
      const outcome = await Promise.race([closed, grace]);
      clearTimeout(timer);
      if (outcome === 'late') await pool.destroy().catch(() => {});
    })();
    return this.closing;
  }
}
