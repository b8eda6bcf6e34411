import type { IncomingMessage, ServerResponse } from 'node:http';
import { capEcho } from '../errors/cap-echo.js';
import { GatewayError } from '../errors/gateway-error.js';

/** `server.cors`: the browser origins allowed to call the OpenAI routes. */
export interface CorsOptions {
  /** Exact origins (`https://app.example.com`), or `*` for any. */
  origins: readonly string[];
}

// What a browser page may read besides the CORS-safelisted headers.
const EXPOSED = [
  'x-loom-request-id',
  'x-loom-provider',
  'x-loom-model',
  'x-loom-attempts',
  'x-loom-cache',
  'retry-after',
].join(', ');

function allowedOrigin(options: CorsOptions | undefined, origin: string | undefined) {
  if (!options || origin === undefined) return undefined;
  return options.origins.includes(origin) || options.origins.includes('*') ? origin : undefined;
}

/**
 * Adds CORS headers to an ordinary response when its `Origin` is allowed. With no `server.cors`
 * nothing is added, so browsers keep other sites' pages from reading the gateway's answers.
 */
export function applyCors(
  options: CorsOptions | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (!options) return;
  // The answer depends on Origin whether or not this one is allowed: caches must know.
  response.setHeader('vary', 'Origin');
  const origin = allowedOrigin(options, request.headers.origin);
  if (origin === undefined) return;
  response.setHeader('access-control-allow-origin', origin);
  response.setHeader('access-control-expose-headers', EXPOSED);
}

/** True for a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`). */
export function isPreflight(request: IncomingMessage): boolean {
  return (
    request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined
  );
}

/**
 * Answers a preflight: 204 with the allowed method and headers for an allowed origin, else a 403
 * in OpenAI's shape that says how to allow it.
 */
export function answerPreflight(
  options: CorsOptions | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  method: string,
): void {
  const origin = allowedOrigin(options, request.headers.origin);
  if (origin === undefined) {
    throw new GatewayError({
      status: 403,
      type: 'permission_error',
      code: 'cors_origin_not_allowed',
      message: `Cross-origin requests from '${capEcho(request.headers.origin ?? 'an unknown origin')}' are not allowed; list the origin in server.cors.origins.`,
    });
  }
  const requested = request.headers['access-control-request-headers'];
  response.writeHead(204, {
    vary: 'Origin, Access-Control-Request-Headers',
    'access-control-allow-origin': origin,
    'access-control-allow-methods': `${method}, OPTIONS`,
    'access-control-allow-headers': requested ?? 'authorization, content-type',
    'access-control-max-age': '600',
  });
  response.end();
}
