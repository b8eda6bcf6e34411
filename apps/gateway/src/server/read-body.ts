import type { IncomingMessage } from 'node:http';
import { capEcho } from '../errors/cap-echo.js';
import { GatewayError, invalidRequest } from '../errors/gateway-error.js';
import { assertNestingDepth } from '../wire/nesting-depth.js';

function tooLarge(limit: number): GatewayError {
  return new GatewayError({
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    param: null,
    message: `Request body exceeds the gateway's limit of ${limit} bytes.`,
  });
}

function readRaw(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  // A declared length over the limit is refused before a byte is read.
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    // `on`, not `once`: a stream ends at most once, and `once` wraps every listener per request.
    request.on('end', () => {
      // A body in one chunk (the usual case) is used as it is, not copied.
      const only = chunks.length === 1 ? chunks[0] : undefined;
      resolve(only ?? Buffer.concat(chunks, size));
    });
    request.once('error', reject);
  });
}

/**
 * What JSON.parse said was wrong, without the text of the body: V8 quotes up to ten characters
 * of it after the offending token (`Unexpected token 's', "sk-live-ab"... is not valid JSON`),
 * and a body may hold a key or a prompt.
 */
function parseProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : 'parse error';
  const quoted = message.search(/, (?:\.\.\.)?"/);
  return capEcho(quoted === -1 ? message : message.slice(0, quoted));
}

/**
 * Reads and parses a JSON body of at most `limit` bytes: 413 above it, 400 for bad JSON or for
 * objects and arrays nested too deep to walk safely.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readRaw(request, limit);
  if (raw.length === 0) throw invalidRequest('Request body is empty; send a JSON object.', null);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const problem = parseProblem(error);
    throw invalidRequest(`Request body is not valid JSON: ${problem}.`, null, 'invalid_json');
  }
  assertNestingDepth(body);
  return body;
}
