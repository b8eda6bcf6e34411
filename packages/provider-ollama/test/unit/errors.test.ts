import { type LoomError, ModelNotFoundError, ProviderCallError } from '@loom/core';
import { collectSecrets, errorScope, failureOf } from '@loom/provider-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyMessage } from '../../src/errors/classify-message.js';
import { createOllamaHttp } from '../../src/http/ollama-http.js';
import { resolveOllamaSettings } from '../../src/settings/resolve-settings.js';

// The mapping a non-2xx answer gets: the shared status table plus Ollama's refinements. The
// client is never used to connect.
const http = createOllamaHttp(resolveOllamaSettings({ baseURL: 'http://127.0.0.1:11434' }, {}), {});
afterAll(() => http.close());

function mapBody(
  status: number,
  body: string,
  options: { headers?: Record<string, string>; model?: string; secrets?: string[] } = {},
): LoomError {
  const scope = errorScope(http.warm, http.paths.chat, options.secrets ?? [], options.model);
  return failureOf(http.warm, status, options.headers ?? {}, body, scope) as LoomError;
}

const map = (status: number, error: string, headers: Record<string, string> = {}) =>
  mapBody(status, JSON.stringify({ error }), { headers, model: 'llama3.2' });

describe('mapHttpError', () => {
  it.each([
    [400, 'model is required', 'bad_request', false],
    [400, 'input length exceeds maximum context length', 'context_length_exceeded', false],
    [413, 'request entity too large', 'bad_request', false],
    [422, 'unprocessable', 'bad_request', false],
    [401, 'unauthorized', 'authentication_failed', true],
    [403, 'forbidden', 'permission_denied', true],
    [408, 'request timeout', 'provider_error', true],
    [409, 'conflict', 'provider_error', true],
    [429, 'too many requests', 'rate_limited', true],
    [
      500,
      'an error was encountered while running the model: unexpected EOF',
      'provider_error',
      true,
    ],
    [502, 'bad gateway', 'provider_error', true],
    [
      503,
      'server busy, please try again.  maximum pending requests exceeded',
      'provider_unavailable',
      true,
    ],
    [504, 'gateway timeout', 'provider_error', true],
  ])('maps %i "%s" to %s (retryable %s)', (status, message, code, isRetryable) => {
    const error = map(status, message);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code,
      isRetryable,
      statusCode: status,
      upstreamStatus: status,
      provider: 'ollama',
    });
    expect(error.message).toContain(message);
  });

  it("maps 404 model 'x' not found to ModelNotFoundError with the provider", () => {
    const error = map(404, "model 'llama3.2' not found");
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'model_not_found',
      isRetryable: true,
      provider: 'ollama',
      model: 'llama3.2',
    });
  });

  it('maps a plain 404 page (wrong base URL path) to a ProviderCallError that says so', () => {
    const error = mapBody(404, '404 page not found', { model: 'm' });
    expect(ModelNotFoundError.isInstance(error)).toBe(false);
    expect(error).toMatchObject({ code: 'bad_request', isRetryable: true, upstreamStatus: 404 });
    expect(error.message).toMatch(/baseURL/);
    expect(mapBody(404, '404 page not found').message).toMatch(/baseURL/);
  });

  it('reads retry hints: retry-after-ms wins over retry-after', () => {
    expect(map(429, 'slow down', { 'retry-after': '2' }).retryAfterMs).toBe(2_000);
    expect(map(503, 'busy', { 'retry-after': '2', 'retry-after-ms': '150' }).retryAfterMs).toBe(
      150,
    );
    expect(map(400, 'bad', { 'retry-after': '2' }).retryAfterMs).toBeUndefined();
  });

  it('gives insufficient_quota no retry hint', () => {
    const body = JSON.stringify({
      error: { message: 'You exceeded your current quota', code: 'insufficient_quota' },
    });
    const error = mapBody(429, body, { headers: { 'retry-after': '5' } });
    expect(error).toMatchObject({ code: 'insufficient_quota', isRetryable: true });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('redacts secrets echoed in an error body', () => {
    const secrets = collectSecrets({ authorization: 'Bearer canary-123456789' });
    const error = mapBody(401, '{"error":"bad token canary-123456789"}', { secrets });
    expect(error.message).not.toContain('canary-123456789');
  });
});

describe('error texts', () => {
  it("reads Ollama's strings, OpenAI-style objects and plain text, cut to a readable size", () => {
    expect(map(400, 'model is required').message).toContain(': model is required');
    expect(mapBody(400, '{"error":{"message":"nope","type":"x"}}').message).toContain(': nope');
    expect(mapBody(502, '<html>Bad Gateway</html>').message).toContain('<html>Bad Gateway</html>');
    const long = mapBody(500, 'x'.repeat(600)).message;
    expect(long).toContain(`${'x'.repeat(500)}...`);
    expect(long).not.toContain('x'.repeat(501));
  });

  it("gives Ollama's other context length wordings context_length_exceeded", () => {
    expect(map(400, "the prompt exceeds the model's maximum input length")).toMatchObject({
      code: 'context_length_exceeded',
      isRetryable: false,
      upstreamStatus: 400,
    });
  });
});

describe('classifyMessage', () => {
  it.each([
    [
      'server busy, please try again.  maximum pending requests exceeded',
      'provider_unavailable',
      true,
    ],
    ['the input exceeds the context window', 'context_length_exceeded', false],
    ['rate limit reached', 'rate_limited', true],
    ["model 'x' not found, try pulling it first", 'model_not_found', true],
    ['something odd', 'provider_error', true],
  ])('classifies "%s" as %s', (message, code, isRetryable) => {
    expect(classifyMessage(message)).toEqual({ code, isRetryable });
  });
});
