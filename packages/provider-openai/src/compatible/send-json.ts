import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type LoomError, MalformedResponseError, redactSecrets } from '@loom/core';
import type { Dispatcher } from 'undici';
import type { CallAuth } from './auth-headers.js';
import { type CompatibleRuntime, errorScope, transportScope } from './compatible-runtime.js';
import { type ErrorScope, mapHttpError, type UpstreamFailure } from './map-http-error.js';
import { mapTransportError } from './map-transport-error.js';
import { safeText } from './redact.js';
import type { CallCancel } from './undici-abort.js';
import type { WholeResponse } from './whole-response.js';

/** Largest error body read, in characters: error bodies are small, and the rest is noise. */
const ERROR_TEXT_LIMIT = 64 * 1024;

async function readLimited(body: Readable): Promise<string> {
  let text = '';
  const decoder = new StringDecoder('utf8');
  for await (const chunk of body as AsyncIterable<Buffer>) {
    text += decoder.write(chunk);
    if (text.length > ERROR_TEXT_LIMIT) {
      body.destroy();
      break;
    }
  }
  return text;
}

/** Maps an answer with an error status, its body already read, to the right `LoomError`. */
function failureOf(
  runtime: CompatibleRuntime,
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
  const fields = runtime.parseErrorBody(parsed);
  const failure: UpstreamFailure = {
    status: statusCode,
    headers,
    text: safeText(raw, scope.secrets),
    error: fields?.message
      ? { ...fields, message: redactSecrets(fields.message, scope.secrets) }
      : fields,
  };
  const error: LoomError = mapHttpError(failure, scope);
  return runtime.mapError ? runtime.mapError(error, failure) : error;
}

/** Reads a non-2xx answer and maps it; the caller's abort reason wins if it fires meanwhile. */
export async function readFailure(
  runtime: CompatibleRuntime,
  response: Dispatcher.ResponseData,
  scope: ErrorScope,
  signal: CallCancel,
): Promise<unknown> {
  const raw = await readLimited(response.body).catch(() => '');
  if (signal.aborted) return signal.reason;
  return failureOf(runtime, response.statusCode, response.headers, raw, scope);
}

/** One JSON call through the runtime. */
export interface JsonCall {
  method: 'GET' | 'POST';
  /** Path from the origin, one of `runtime.paths` (`/v1/chat/completions`). */
  path: string;
  body?: string;
  signal: CallCancel;
  model?: string;
}

/** Sends a JSON call and parses the answer; every failure is the right `LoomError`. */
export async function sendJson(
  runtime: CompatibleRuntime,
  auth: CallAuth,
  call: JsonCall,
): Promise<unknown> {
  const path = call.path;
  let response: WholeResponse;
  try {
    response = await runtime.client.sendWhole({
      method: call.method,
      path,
      headers: auth.headers,
      signal: call.signal,
      body: call.body,
    });
  } catch (error) {
    const scope = errorScope(runtime, path, auth, call.model);
    throw mapTransportError(error, transportScope(runtime, scope, call.signal, 'attempt'));
  }
  const text = response.text;
  if (response.statusCode >= 300) {
    const scope = errorScope(runtime, path, auth, call.model);
    throw failureOf(runtime, response.statusCode, response.headers, text, scope);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedResponseError({
      provider: runtime.id,
      message: `the answer to ${path} is not JSON: ${safeText(text.slice(0, 200), auth.secrets)}`,
    });
  }
}
