import { ConnectionError, ModelNotFoundError, ProviderCallError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../src/errors/classify-message.js';
import { mapHttpError, upstreamMessage } from '../../src/errors/map-http-error.js';
import { mapTransportError } from '../../src/errors/map-transport-error.js';
import { collectSecrets, createRedactor, safeCause } from '../../src/errors/redactor.js';
import { parseRetryAfter } from '../../src/http/retry-after.js';

const redact = createRedactor([]);
const map = (status: number, error: string, headers: Record<string, string> = {}) =>
  mapHttpError({
    provider: 'ollama',
    status,
    headers,
    body: JSON.stringify({ error }),
    model: 'llama3.2',
    url: 'http://127.0.0.1:11434/api/chat',
    redact,
  });

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
    const error = mapHttpError({
      provider: 'ollama',
      status: 404,
      headers: {},
      body: '404 page not found',
      model: 'm',
      url: 'http://h/x/api/chat',
      redact,
    });
    expect(ModelNotFoundError.isInstance(error)).toBe(false);
    expect(error.message).toMatch(/baseURL/);
  });

  it('reads retry hints: retry-after-ms wins over retry-after', () => {
    expect(map(429, 'slow down', { 'retry-after': '2' }).retryAfterMs).toBe(2_000);
    expect(map(503, 'busy', { 'retry-after': '2', 'retry-after-ms': '150' }).retryAfterMs).toBe(
      150,
    );
    expect(map(400, 'bad', { 'retry-after': '2' }).retryAfterMs).toBeUndefined();
  });

  it('gives insufficient_quota no retry hint', () => {
    const error = mapHttpError({
      provider: 'ollama',
      status: 429,
      headers: { 'retry-after': '5' },
      body: JSON.stringify({
        error: { message: 'You exceeded your current quota', code: 'insufficient_quota' },
      }),
      url: 'u',
      redact,
    });
    expect(error).toMatchObject({ code: 'insufficient_quota', isRetryable: true });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('redacts secrets echoed in an error body', () => {
    const secretRedact = createRedactor(
      collectSecrets({ authorization: 'Bearer canary-123456789' }),
    );
    const error = mapHttpError({
      provider: 'ollama',
      status: 401,
      headers: {},
      body: '{"error":"bad token canary-123456789"}',
      url: 'u',
      redact: secretRedact,
    });
    expect(error.message).not.toContain('canary-123456789');
  });
});

describe('upstreamMessage', () => {
  it('reads Ollama strings, OpenAI-style objects and plain text', () => {
    expect(upstreamMessage('{"error":"model is required"}')).toBe('model is required');
    expect(upstreamMessage('{"error":{"message":"nope","type":"x"}}')).toBe('nope');
    expect(upstreamMessage('<html>Bad Gateway</html>')).toBe('<html>Bad Gateway</html>');
    expect(upstreamMessage('x'.repeat(600))).toHaveLength(503);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after': '3' }, 3_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '250.4' }, 250],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, 10_000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after-ms': 'x', 'retry-after': '1' }, 1_000],
    [{}, undefined],
  ])('reads %j as %s', (headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected);
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

describe('mapTransportError', () => {
  it('maps refused and reset connections to ConnectionError with a safe cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const error = mapTransportError(refused, {
      provider: 'ollama',
      url: 'http://127.0.0.1:1/api/chat',
      redact,
    });
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
    expect((error.cause as Error & { code: string }).code).toBe('ECONNREFUSED');
    const nested = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]);
    expect(
      ConnectionError.isInstance(mapTransportError(nested, { provider: 'o', url: 'u', redact })),
    ).toBe(true);
  });

  it('maps anything else to a retryable ProviderCallError', () => {
    const error = mapTransportError(new TypeError('weird'), {
      provider: 'ollama',
      url: 'u',
      redact,
    });
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
  });
});

describe('secrets', () => {
  it('collects credential-like header values and bearer tokens', () => {
    expect(
      collectSecrets({
        authorization: 'Bearer abc123456',
        'x-team': 'search',
        'x-api-key': 'k-1234',
      }),
    ).toEqual(['Bearer abc123456', 'abc123456', 'k-1234']);
  });

  it('makes causes that carry no secret and no deeper cause', () => {
    const original = new Error('failed with token s3cr3t-value', {
      cause: new Error('s3cr3t-value'),
    });
    const cause = safeCause(original, createRedactor(['s3cr3t-value']));
    expect(cause?.message).toBe('failed with token [redacted]');
    expect(cause?.stack).not.toContain('s3cr3t-value');
    expect(cause?.cause).toBeUndefined();
  });
});
