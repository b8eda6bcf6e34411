import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cancellation } from '@loom/core';
import { capEcho } from '../errors/cap-echo.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AccessRecord } from '../logging/access-record.js';
import { formatModelList } from '../wire/models-list.js';
import { assertAdminAccess } from './admin-access.js';
import type { ApiKeyChecker, GatewayKeyIdentity } from './api-keys.js';
import { bearerToken } from './api-keys.js';
import { answerPreflight, applyCors, type CorsOptions, isPreflight } from './cors.js';
import type { GatewayContext } from './gateway-context.js';
import { handleChat } from './handle-chat.js';
import { handleEmbeddings } from './handle-embeddings.js';
import { admitRequest, effectiveLimits } from './rate-limit/admit-request.js';
import type { RateLimiter, RateLimits } from './rate-limit/rate-limiter.js';
import { readJsonBody } from './read-body.js';
import { type DependencyStatus, readiness } from './readiness.js';
import { sendJson } from './send.js';

/** Everything routing needs besides the request itself. */
export interface RouteOptions extends GatewayContext {
  keys: ApiKeyChecker;
  bodyLimitBytes: number;
  /**
   * Routes added by the assembly (JSON API, metrics, dashboard), keyed by path or by
   * `METHOD path`; built-in paths win.
   */
  extraRoutes?: Readonly<Record<string, Route>>;
  /** Counts requests and tokens per gateway key. */
  rateLimiter: RateLimiter;
  /** Default per-key limits (`server.rateLimits`). */
  rateLimits: RateLimits;
  /** Allowed browser origins; absent: CORS closed. */
  cors?: CorsOptions;
  /** Serve admin routes to non-loopback clients (`server.exposeAdmin`). */
  exposeAdmin: boolean;
  /** Shared services `/readyz` reports (Redis). */
  dependencies?: () => readonly DependencyStatus[];
}

/** One path's handler. `admin` marks operator routes (JSON API, metrics, dashboard). */
export interface Route {
  method: 'GET' | 'POST';
  auth: boolean;
  body: boolean;
  admin?: boolean;
  run: Handler;
}
/** The request being answered. */
export type Exchange = {
  request: IncomingMessage;
  response: ServerResponse;
  requestId: string;
  /** What the access line will say; handlers add provider, model, tokens and errors. */
  record: AccessRecord;
  /**
   * Rate-limit counter of the caller, set once it is admitted with a tokens-per-minute limit;
   * the tokens the request used are charged to it.
   */
  rateKey?: string;
  /** Aborted when the client leaves before the response ended (see `clientGone`). */
  cancellation: Cancellation;
  /** The gateway key the request was admitted with, when keys are configured. */
  caller?: GatewayKeyIdentity;
};
/** A route's handler. */
export type Handler = (
  options: RouteOptions,
  body: unknown,
  exchange: Exchange,
) => Promise<void> | void;

const ROUTES: Record<string, Route> = {
  '/v1/chat/completions': { method: 'POST', auth: true, body: true, run: handleChat },
  '/v1/embeddings': { method: 'POST', auth: true, body: true, run: handleEmbeddings },
  '/v1/models': {
    method: 'GET',
    auth: true,
    body: false,
    run: async (options, _body, { response, caller }) => {
      const catalog = await options.kernel.models();
      const allowed = caller?.allowsModel;
      const visible = allowed
        ? { ...catalog, models: catalog.models.filter((entry) => allowed(entry.id)) }
        : catalog;
      sendJson(response, 200, formatModelList(visible, options.nowSeconds()));
    },
  },
  '/healthz': {
    method: 'GET',
    auth: false,
    body: false,
    run: (_options, _body, { response }) => sendJson(response, 200, { status: 'ok' }),
  },
  '/readyz': {
    method: 'GET',
    auth: false,
    body: false,
    run: (options, _body, { response }) => {
      const state = readiness(options.kernel, options.dependencies?.());
      sendJson(response, state.ready ? 200 : 503, state);
    },
  },
};

function notFound(path: string): GatewayError {
  const message = `Unknown route '${capEcho(path)}'.`;
  return new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'unknown_url',
    message,
  });
}

function unauthorized(expiredAt?: number): GatewayError {
  if (expiredAt !== undefined) {
    return new GatewayError({
      status: 401,
      type: 'authentication_error',
      code: 'expired_api_key',
      message: `This gateway API key expired at ${new Date(expiredAt).toISOString()}.`,
    });
  }
  return new GatewayError({
    status: 401,
    type: 'authentication_error',
    code: 'invalid_api_key',
    message: 'Missing or invalid gateway API key; send it as `Authorization: Bearer <key>`.',
  });
}

const ANONYMOUS = { id: 'anonymous', name: 'anonymous', limits: {} };

/**
 * Checks the gateway key (when keys are configured) and the caller's rate limits. Returns the
 * limiter's answer to wait for, or undefined when no limit applies: most gateways set none, and
 * then a request neither asks the limiter nor waits on a promise.
 */
function admitCaller(options: RouteOptions, exchange: Exchange): Promise<void> | undefined {
  let caller = ANONYMOUS;
  if (options.keys.enabled) {
    const presented = bearerToken(exchange.request.headers.authorization);
    const identity = options.keys.identify(presented);
    if (!identity) throw unauthorized(options.keys.expiredAt(presented));
    caller = identity;
    exchange.caller = identity;
    exchange.record.keyName = identity.name;
  }
  const limits = effectiveLimits(options.rateLimits, caller.limits);
  if (limits.requestsPerMinute === undefined && limits.tokensPerMinute === undefined)
    return undefined;
  return admitLimited(options, exchange, caller, limits);
}

async function admitLimited(
  options: RouteOptions,
  exchange: Exchange,
  caller: { id: string; name: string },
  limits: RateLimits,
): Promise<void> {
  await admitRequest(options.rateLimiter, caller, limits);
  // Tokens are charged only where a token limit applies: no limiter call per request otherwise.
  if (limits.tokensPerMinute !== undefined) exchange.rateKey = caller.id;
}

/**
 * Finds the route, answers CORS preflights, keeps admin routes local, checks method, key and
 * rate limits, reads the body and runs the handler.
 */
export async function routeRequest(options: RouteOptions, exchange: Exchange): Promise<void> {
  const { request, response } = exchange;
  const path = exchange.record.path;
  // HEAD is GET without the body (load balancers probe with it): the handler runs as for GET,
  // and Node's server leaves the body of a HEAD response out, keeping status and headers.
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  // An added route may be keyed `POST /path` to sit beside a `GET` one on the same path.
  const route =
    ROUTES[path] ?? options.extraRoutes?.[`${method} ${path}`] ?? options.extraRoutes?.[path];
  if (!route) throw notFound(path);
  if (route.admin) assertAdminAccess(request, options.exposeAdmin);
  // Admin routes are same-origin (the dashboard): they never answer other origins.
  else if (isPreflight(request))
    return answerPreflight(options.cors, request, response, route.method);
  else applyCors(options.cors, request, response);
  if (method !== route.method) {
    response.setHeader('allow', route.method === 'GET' ? 'GET, HEAD' : route.method);
    throw new GatewayError({
      status: 405,
      type: 'invalid_request_error',
      code: 'method_not_allowed',
      message: `${request.method} is not allowed on '${path}'; use ${route.method}.`,
    });
  }
  if (route.auth) {
    const admission = admitCaller(options, exchange);
    if (admission) await admission;
  }
  const body = route.body ? await readJsonBody(request, options.bodyLimitBytes) : undefined;
  await route.run(options, body, exchange);
}
