import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kernel } from '@loom/core';
import { createApiKeyChecker } from './api-keys.js';
import { type Route, type RouteOptions, routeRequest } from './route-request.js';
import { sendError } from './send.js';

/** Options of `createGateway`. */
export interface GatewayOptions {
  /** The kernel that serves every request. The gateway does not start or stop it. */
  kernel: Kernel;
  /** Gateway API keys; when given, `/v1/*` requires one as a bearer token. Kept only hashed. */
  apiKeys?: readonly string[];
  /** Largest request body, bytes; default 4 MiB. */
  bodyLimitBytes?: number;
  /** How long `close()` waits for in-flight requests and streams, ms; default 10 000. */
  drainTimeoutMs?: number;
  /** More routes by path (JSON API, metrics, dashboard); the OpenAI routes cannot be replaced. */
  routes?: Readonly<Record<string, Route>>;
}

/** A listening gateway. */
export interface RunningGateway {
  /** `http://host:port`. */
  url: string;
  /** Stops accepting, drains in-flight requests up to the drain deadline, then closes sockets. */
  close(): Promise<void>;
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
    ...(options.routes ? { extraRoutes: options.routes } : {}),
  };
  const inFlight = new Set<ServerResponse>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    routeRequest(routeOptions, { request, response, requestId }).catch((error: unknown) => {
      sendError(response, error, { 'x-loom-request-id': requestId });
      // A body left unread (413, auth failure) would otherwise keep the socket busy.
      if (!request.complete) response.once('finish', () => request.destroy());
    });
  };

  return {
    listen(port, host = '127.0.0.1') {
      const server = createServer(handle);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({
            url: `http://${shownHost}:${address.port}`,
            close: () => drain(server, inFlight, options.drainTimeoutMs ?? 10_000),
          });
        });
      });
    },
  };
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
