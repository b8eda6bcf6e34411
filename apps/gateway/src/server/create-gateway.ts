import {
  createServer,
  type IncomingMessage,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cancellation, type Kernel } from '@loom/core';
import type { Logger } from 'pino';
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../config/server-schema.js';
import { logAccess } from '../logging/access-log.js';
import type { AccessRecord } from '../logging/access-record.js';
import { createApiKeyChecker, type GatewayKeyEntry } from './api-keys.js';
import { clientGone } from './client-gone.js';
import type { CorsOptions } from './cors.js';
import { answered, answerHalfClosedClients, answering } from './half-close.js';
import { createMemoryRateLimiter } from './rate-limit/memory-rate-limiter.js';
import type { RateLimiter, RateLimits } from './rate-limit/rate-limiter.js';
import type { DependencyStatus } from './readiness.js';
import { requestIdV7 } from './request-id.js';
import type { RequestLimits } from './request-limits.js';
import { type Exchange, type Route, type RouteOptions, routeRequest } from './route-request.js';
import { sendError } from './send.js';

/** Options of `createGateway`. */
export interface GatewayOptions {
  /** The kernel that serves every request. The gateway does not start or stop it. */
  kernel: Kernel;
  /**
   * Gateway API keys; when given, `/v1/*` requires one as a bearer token. Kept only hashed. An
   * entry may carry a `name` (for logs) and its own `requestsPerMinute` / `tokensPerMinute`.
   */
  apiKeys?: readonly GatewayKeyEntry[];
  /** Default per-key limits; with no keys configured they apply to all callers together. */
  rateLimits?: RateLimits;
  /** Where request and token counts live; default in process memory. */
  rateLimiter?: RateLimiter;
  /** Message count, max_tokens and stream duration limits of chat requests. */
  limits?: RequestLimits;
  /** Browser origins allowed to call the OpenAI routes; default none (CORS closed). */
  cors?: CorsOptions;
  /** Serve admin routes (`Route.admin`) to non-loopback clients; default false. */
  exposeAdmin?: boolean;
  /** Writes one access line per request; default none. */
  logger?: Logger;
  /** Include prompts and answers in access lines; default false. */
  logPrompts?: boolean;
  /** Largest request body, bytes; default 4 MiB. */
  bodyLimitBytes?: number;
  /** How long `close()` waits for in-flight requests and streams, ms; default 10 000. */
  drainTimeoutMs?: number;
  /**
   * Most time a client may take to send a whole request, headers and body, ms; default 60 000.
   * Past it the socket is answered 408 and closed. Only receiving is timed: answers and streams,
   * however long, are not.
   */
  requestTimeoutMs?: number;
  /** Most time a client may take to send a request's headers, ms; default 15 000. */
  headersTimeoutMs?: number;
  /** More routes by path (JSON API, metrics, dashboard); the OpenAI routes cannot be replaced. */
  routes?: Readonly<Record<string, Route>>;
  /** Shared services `/readyz` reports; a `required` one that is not ready makes it answer 503. */
  dependencies?: () => readonly DependencyStatus[];
  /** Micro-dollars a finished request cost, for `x-loom-cost-usd` (the runtime reads the cost plugin's events). */
  requestCost?: (requestId: string) => number | undefined;
}

/** A listening gateway. */
export interface RunningGateway {
  /** `http://host:port`. */
  url: string;
  /** Stops accepting, drains in-flight requests up to the drain deadline, then closes sockets. */
  close(): Promise<void>;
  /**
   * Serves new requests with `kernel` from now on; requests already running finish on the kernel
   * they started on (config reload). The gateway does not start or stop either kernel.
   */
  setKernel(kernel: Kernel): void;
}

/** An OpenAI-compatible HTTP server in front of a kernel. */
export interface Gateway {
  /** Starts listening; port 0 picks a free one. */
  listen(port: number, host?: string): Promise<RunningGateway>;
}

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Creates the gateway on plain `node:http`: no framework on the hot path, as DESIGN.md's
 * performance section asks. Requests run through `routeRequest`; every error answers in OpenAI's
 * shape with the request id.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const routeOptions: RouteOptions = {
    kernel: options.kernel,
    keys: createApiKeyChecker(options.apiKeys),
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    nowSeconds: () => Math.floor(Date.now() / 1000),
    limits: options.limits ?? {},
    logPrompts: options.logPrompts === true,
    rateLimiter: options.rateLimiter ?? createMemoryRateLimiter(),
    rateLimits: options.rateLimits ?? {},
    exposeAdmin: options.exposeAdmin === true,
    ...(options.cors ? { cors: options.cors } : {}),
    ...(options.routes ? { extraRoutes: options.routes } : {}),
    ...(options.requestCost ? { requestCost: options.requestCost } : {}),
    ...(options.dependencies ? { dependencies: options.dependencies } : {}),
  };
  const inFlight = new Set<ServerResponse>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const requestId = requestIdV7();
    const startedAt = performance.now();
    const record: AccessRecord = {
      requestId,
      method: request.method ?? 'GET',
      path: (request.url ?? '/').split('?', 1)[0] ?? '/',
    };
    const exchange: Exchange = {
      request,
      response,
      requestId,
      record,
      cancellation: new Cancellation(),
    };
    inFlight.add(response);
    answering(exchange);
    response.once('close', () => {
      inFlight.delete(response);
      answered(exchange);
      clientGone(exchange);
      settle(routeOptions, exchange, options.logger, startedAt);
    });
    routeRequest(routeOptions, exchange).catch((error: unknown) => {
      const sent = sendError(response, error, { 'x-loom-request-id': requestId });
      record.error = sent.body.error;
      if (sent.status >= 500) record.cause = error;
      // A body left unread (413, auth failure) would otherwise keep the socket busy.
      if (!request.complete) response.once('finish', () => request.destroy());
    });
  };

  return {
    listen(port, host = '127.0.0.1') {
      const server = createServer(serverTimeouts(options), handle);
      answerHalfClosedClients(server);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({
            url: `http://${shownHost}:${address.port}`,
            close: () => drain(server, inFlight, options.drainTimeoutMs ?? 10_000),
            setKernel: (kernel) => {
              routeOptions.kernel = kernel;
            },
          });
        });
      });
    },
  };
}

/**
 * node:http's limits on receiving a request (its defaults: 300 s for a request, and it checks
 * only every 30 s). A client trickling its headers or body cannot hold a socket past them.
 */
function serverTimeouts(options: GatewayOptions): ServerOptions {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // node:http refuses a header timeout longer than the request's.
  const headersTimeout = Math.min(
    options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeout,
  );
  return {
    requestTimeout,
    headersTimeout,
    // Checked at a tenth of the shorter limit, at most every second.
    connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(headersTimeout / 10))),
  };
}

/** After a response closed: charge its tokens to the caller's limit and write the access line. */
function settle(
  options: RouteOptions,
  exchange: Exchange,
  logger: Logger | undefined,
  startedAt: number,
): void {
  const { rateKey, record } = exchange;
  if (rateKey !== undefined && record.tokens && record.tokens.total > 0) {
    // A shared limiter failing must not fail a request that is already answered.
    Promise.resolve()
      .then(() => options.rateLimiter.addTokens(rateKey, record.tokens?.total ?? 0))
      .catch((error: unknown) => logger?.warn({ err: error }, 'rate limiter addTokens failed'));
  }
  if (logger) logAccess(logger, record, exchange.response, startedAt);
}

async function drain(
  server: ReturnType<typeof createServer>,
  inFlight: Set<ServerResponse>,
  timeoutMs: number,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + timeoutMs;
  while (inFlight.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  server.closeAllConnections();
  await closed;
}
