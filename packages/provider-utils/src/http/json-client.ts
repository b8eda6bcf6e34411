import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  type LoomError,
  MalformedResponseError,
  redactSecrets,
  type TimeoutPhase,
} from '@loom/core';
import type { Dispatcher } from 'undici';
import { type ErrorBodyParser, parseJsonErrorBody } from '../errors/error-body.js';
import { type ErrorScope, mapHttpError, type UpstreamFailure } from '../errors/map-http-error.js';
import { mapTransportError, type TransportScope } from '../errors/map-transport-error.js';
import { safeText } from '../errors/redact.js';
import { createHttpClient, type HttpClient, type HttpClientSettings } from './http-client.js';
import { type CallCancel, throwIfAborted } from './undici-abort.js';
import type { WholeResponse } from './whole-response.js';

/** The headers of one call and the credentials its errors must never show. */
export interface CallAuth {
  readonly headers: Record<string, string>;
  readonly secrets: readonly string[];
}

/** How a provider talks JSON over HTTP to its upstream; see `createJsonClient`. */
export interface JsonClientSettings
  extends Omit<HttpClientSettings, 'connections' | 'headersTimeoutMs' | 'bodyTimeoutMs'> {
  /** Provider id, named by every error. */
  provider: string;
  /** Most sockets open at once; default 64. */
  connections?: number;
  /** Limit for response headers (a stream: for its first event), ms; default 60 000. */
  headersTimeoutMs?: number;
  /** Limit for silence inside a response body, ms (0 disables it); default 30 000. */
  bodyTimeoutMs?: number;
  /** Reads the wire's error bodies; default `parseJsonErrorBody`. */
  parseErrorBody?: ErrorBodyParser;
  /** Adjusts the mapped error of a non-2xx answer (a wire whose 400 means something else). */
  mapError?: (error: LoomError, failure: UpstreamFailure) => unknown;
}

/** A pooled HTTP client with the error mapping of one provider. */
export interface JsonClient {
  readonly provider: string;
  readonly http: HttpClient;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly parseErrorBody: ErrorBodyParser;
  readonly mapError: JsonClientSettings['mapError'];
  /** Closes the pool (requests in flight get a short grace); safe to call twice. */
  close(): Promise<void>;
}

/** Defaults of timing and pooling. */
export const CLIENT_DEFAULTS = { connections: 64, headersTimeoutMs: 60_000, bodyTimeoutMs: 30_000 };

/** Creates the client; one per provider instance, so sockets are reused across calls. */
export function createJsonClient(settings: JsonClientSettings): JsonClient {
  const { provider, parseErrorBody, mapError, ...rest } = settings;
  const headersTimeoutMs = settings.headersTimeoutMs ?? CLIENT_DEFAULTS.headersTimeoutMs;
  const bodyTimeoutMs = settings.bodyTimeoutMs ?? CLIENT_DEFAULTS.bodyTimeoutMs;
  const http = createHttpClient({
    ...rest,
    connections: settings.connections ?? CLIENT_DEFAULTS.connections,
    headersTimeoutMs,
    bodyTimeoutMs,
  });
  return {
    provider,
    http,
    close: () => http.close(),
    headersTimeoutMs,
    bodyTimeoutMs,
    parseErrorBody: parseErrorBody ?? parseJsonErrorBody,
    mapError,
  };
}

/** The error scope of a call to `path` (a path from the origin). */
export function errorScope(
  client: JsonClient,
  path: string,
  secrets: readonly string[],
  model?: string,
): ErrorScope {
  const scope: ErrorScope = { provider: client.provider, url: client.http.origin + path, secrets };
  if (model !== undefined) scope.model = model;
  return scope;
}

/** The transport scope of a call; `headersPhase` says what a headers timeout means. */
export function transportScope(
  client: JsonClient,
  base: ErrorScope,
  signal: CallCancel,
  headersPhase: TimeoutPhase,
): TransportScope {
  // Field by field: a spread copy showed up in the streaming benchmark (bench/ in provider-openai).
  const scope: TransportScope = {
    provider: base.provider,
    url: base.url,
    secrets: base.secrets,
    signal,
    headersPhase,
    headersTimeoutMs: client.headersTimeoutMs,
    bodyTimeoutMs: client.bodyTimeoutMs,
  };
  if (base.model !== undefined) scope.model = base.model;
  return scope;
}

/** Largest error body read, in characters: error bodies are small, and the rest is noise. */
export const ERROR_TEXT_LIMIT = 64 * 1024;

/** Reads at most `ERROR_TEXT_LIMIT` characters of a body, then cuts it. */
export async function readLimitedText(body: Readable, limit = ERROR_TEXT_LIMIT): Promise<string> {
  let text = '';
  const decoder = new StringDecoder('utf8');
  for await (const chunk of body as AsyncIterable<Buffer>) {
    text += decoder.write(chunk);
    if (text.length > limit) {
      body.destroy();
      break;
    }
  }
  return text;
}

/** Maps an answer with an error status, its body already read, to the right `LoomError`. */
export function failureOf(
  client: JsonClient,
  statusCode: number,
  headers: UpstreamFailure['headers'],
  raw: string,
  scope: ErrorScope,
): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const fields = client.parseErrorBody(parsed);
  const failure: UpstreamFailure = {
    status: statusCode,
    headers,
    text: safeText(raw, scope.secrets),
    error: fields?.message
      ? { ...fields, message: redactSecrets(fields.message, scope.secrets) }
      : fields,
  };
  const error: LoomError = mapHttpError(failure, scope);
  return client.mapError ? client.mapError(error, failure) : error;
}

/** Reads a non-2xx answer and maps it; the caller's abort reason wins if it fires meanwhile. */
export async function readFailure(
  client: JsonClient,
  response: Dispatcher.ResponseData,
  scope: ErrorScope,
  signal: CallCancel,
): Promise<unknown> {
  // A stream's request runs without undici's body limit: an error body that stalls would hold
  // the call (and its socket) until the caller gave up.
  const limit = client.bodyTimeoutMs > 0 ? client.bodyTimeoutMs : client.headersTimeoutMs;
  const timer = setTimeout(() => response.body.destroy(), limit);
  timer.unref();
  const raw = await readLimitedText(response.body)
    .catch(() => '')
    .finally(() => clearTimeout(timer));
  if (signal.aborted) return signal.reason;
  return failureOf(client, response.statusCode, response.headers, raw, scope);
}

/** One JSON call. */
export interface JsonCall {
  method: 'GET' | 'POST';
  /** Path from the origin (`/v1/chat/completions`). */
  path: string;
  /** The request body, already serialized. */
  body?: string;
  auth: CallAuth;
  signal: CallCancel;
  /** The model the call is for: a 404 then means "no such model". */
  model?: string;
}

/** Sends a JSON call and parses the answer; every failure is the right `LoomError`. */
export async function sendJson(client: JsonClient, call: JsonCall): Promise<unknown> {
  throwIfAborted(call.signal);
  const path = call.path;
  let response: WholeResponse;
  try {
    response = await client.http.sendWhole({
      method: call.method,
      path,
      headers: call.auth.headers,
      signal: call.signal,
      body: call.body,
    });
  } catch (error) {
    const scope = errorScope(client, path, call.auth.secrets, call.model);
    throw mapTransportError(error, transportScope(client, scope, call.signal, 'attempt'));
  }
  const text = response.text;
  if (response.statusCode >= 300) {
    const scope = errorScope(client, path, call.auth.secrets, call.model);
    throw failureOf(client, response.statusCode, response.headers, text, scope);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedResponseError({
      provider: client.provider,
      message: `the answer to ${path} is not JSON: ${safeText(text.slice(0, 200), call.auth.secrets)}`,
    });
  }
}
