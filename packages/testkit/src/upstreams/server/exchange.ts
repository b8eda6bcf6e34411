import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, RecordedRequest } from '../simulated-upstream.js';

/** Thrown by `Exchange.pause` and `Exchange.write` once the client has gone away. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGone';
  }
}

/** Headers of a response, as Node's `writeHead` takes them. */
export type Headers = Record<string, string | number>;

/**
 * One request and its response. It tracks whether the client went away (so pacing stops at
 * once and the recording says `aborted`), and whether the server itself cut the connection
 * (which is a fault, not a client abort).
 */
export class Exchange {
  readonly path: string;
  /** The parsed JSON body, set once it has been read. */
  body: unknown;
  /** The fault chosen for this request, set once the body has been read. */
  fault: Fault | undefined;
  // Made on first use: most exchanges answer at once and never wait, and a controller plus the
  // ClientGone error (with its stack) per request was a tenth of the simulator's CPU under load.
  private closed: AbortController | undefined;
  private isClosed = false;
  private serverCut = false;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly record: RecordedRequest,
  ) {
    this.path = record.path;
    response.on('close', () => {
      if (!response.writableFinished && !this.serverCut) record.aborted = true;
      this.isClosed = true;
      this.closed?.abort(new ClientGone());
    });
  }

  /** Aborts when the connection closes, for whatever reason. */
  get signal(): AbortSignal {
    if (!this.closed) {
      this.closed = new AbortController();
      if (this.isClosed) this.closed.abort(new ClientGone());
    }
    return this.closed.signal;
  }

  /** True while the response can still be written. */
  get open(): boolean {
    return !this.isClosed;
  }

  /** Waits `ms`, or throws `ClientGone` as soon as the connection closes. */
  pause(ms: number): Promise<void> {
    if (this.isClosed) return Promise.reject(new ClientGone());
    if (ms <= 0) return Promise.resolve();
    const signal = this.signal;
    return new Promise((resolve, reject) => {
      const onClose = () => {
        clearTimeout(timer);
        reject(new ClientGone());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onClose);
        resolve();
      }, ms);
      signal.addEventListener('abort', onClose, { once: true });
    });
  }

  /** Resolves once the client goes away: a hung upstream. */
  untilClosed(): Promise<void> {
    const signal = this.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  }

  /** A whole response with a JSON body. */
  sendJson(status: number, value: unknown, headers: Headers = {}): void {
    const type = { 'content-type': 'application/json; charset=utf-8' };
    this.send(status, JSON.stringify(value), { ...type, ...headers });
  }

  /** A whole response with a raw body (no content type unless `headers` give one). */
  send(status: number, body: string, headers: Headers = {}): void {
    if (!this.open) return;
    const length = Buffer.byteLength(body);
    this.response.writeHead(status, { ...headers, 'content-length': length });
    this.response.end(body);
  }

  /** Sends the headers of a streamed (chunked) response. */
  startStream(contentType: string, headers: Headers = {}): void {
    if (!this.open) throw new ClientGone();
    this.response.writeHead(200, { 'content-type': contentType, ...headers });
    this.response.flushHeaders();
  }

  /** Writes one piece of a streamed body, waiting when the socket's buffer is full. */
  async write(text: string): Promise<void> {
    if (!this.open) throw new ClientGone();
    if (this.response.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const signal = this.signal;
      const onClose = () => reject(new ClientGone());
      signal.addEventListener('abort', onClose, { once: true });
      this.response.once('drain', () => {
        signal.removeEventListener('abort', onClose);
        resolve();
      });
    });
  }

  /** Ends a streamed body cleanly. */
  end(): void {
    if (this.open) this.response.end();
  }

  /** Destroys the connection mid-body: the client sees the body end without its end marker. */
  cut(): void {
    this.serverCut = true;
    this.request.socket.destroy();
  }

  /** Resets the connection before any response byte (TCP RST where the platform allows). */
  reset(): void {
    this.serverCut = true;
    const socket = this.request.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }
}
