import { ModelNotFoundError, ProviderCallError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import {
  codeForErrorBody,
  mapHttpError,
  mapInBandError,
  type UpstreamFailure,
} from '../src/index.js';

const scope = {
  provider: 'openai',
  url: 'https://api.openai.com/v1/chat/completions',
  model: 'gpt-4o-mini',
  secrets: ['sk-unit-secret-1234'],
};

function failure(status: number, error?: UpstreamFailure['error'], headers = {}): UpstreamFailure {
  return { status, headers, text: JSON.stringify({ error }), error };
}

describe('mapHttpError', () => {
  it.each([
    [400, 'bad_request', false],
    [413, 'bad_request', false],
    [422, 'bad_request', false],
    [401, 'authentication_failed', true],
    [403, 'permission_denied', true],
    [408, 'provider_error', true],
    [409, 'provider_error', true],
    [429, 'rate_limited', true],
    [500, 'provider_error', true],
    [502, 'provider_error', true],
    [503, 'provider_unavailable', true],
    [504, 'provider_error', true],
    [529, 'provider_error', true],
  ])('maps %i to %s (retryable %s) with the status', (status, code, retryable) => {
    const error = mapHttpError(failure(status, { message: 'nope' }), scope);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code, isRetryable: retryable, statusCode: status });
  });

  it('maps 404 to ModelNotFoundError naming the model and provider', () => {
    const error = mapHttpError(failure(404, { message: 'no such model' }), scope);
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai', isRetryable: true });
  });

  it('recognises context length by code or by message', () => {
    const byCode = failure(400, { message: 'too long', code: 'context_length_exceeded' });
    const byMessage = failure(400, {
      message: "This model's maximum context length is 8192 tokens. However, you requested 9000.",
      code: 400,
    });
    for (const input of [byCode, byMessage]) {
      expect(mapHttpError(input, scope)).toMatchObject({
        code: 'context_length_exceeded',
        isRetryable: false,
      });
    }
  });

  it('gives rate limits their retry hint and quota errors none', () => {
    const headers = { 'retry-after': '3' };
    expect(mapHttpError(failure(429, { message: 'slow down' }, headers), scope)).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 3000,
    });
    const quota = mapHttpError(
      failure(
        429,
        { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' },
        headers,
      ),
      scope,
    );
    expect(quota).toMatchObject({ code: 'insufficient_quota', isRetryable: true });
    expect(quota.retryAfterMs).toBeUndefined();
  });

  it('never puts a 4xx retry hint on a request that must not be retried', () => {
    const error = mapHttpError(failure(400, { message: 'bad' }, { 'retry-after': '3' }), scope);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('keeps the upstream code and redacts credentials from the message', () => {
    const error = mapHttpError(
      failure(401, {
        message: 'Incorrect API key provided: sk-unit-secret-1234',
        code: 'invalid_api_key',
      }),
      scope,
    ) as ProviderCallError;
    expect(error.upstreamCode).toBe('invalid_api_key');
    expect(error.message).not.toContain('sk-unit-secret-1234');
    expect(error.message).toContain('Incorrect API key provided');
  });

  it('falls back to the body text, then to the status', () => {
    const text: UpstreamFailure = {
      status: 502,
      headers: {},
      text: 'upstream connect error',
      error: undefined,
    };
    expect(mapHttpError(text, scope).message).toContain('upstream connect error');
    const empty: UpstreamFailure = { status: 500, headers: {}, text: '', error: undefined };
    expect(mapHttpError(empty, scope).message).toContain('HTTP 500');
  });
});

describe('in-band errors', () => {
  it('default to a retryable provider_error', () => {
    const error = mapInBandError(
      { message: 'The server had an error', type: 'server_error' },
      scope,
    );
    expect(error).toMatchObject({ code: 'provider_error', isRetryable: true });
    expect(error.message).toContain('The server had an error');
  });

  it('take their code from the content', () => {
    expect(codeForErrorBody({ code: 'rate_limit_exceeded' })).toBe('rate_limited');
    expect(codeForErrorBody({ code: 'insufficient_quota' })).toBe('insufficient_quota');
    expect(codeForErrorBody({ message: 'maximum context length is 4096 tokens' })).toBe(
      'context_length_exceeded',
    );
    expect(codeForErrorBody({ code: 503, message: 'engine dead' })).toBe('provider_unavailable');
    expect(codeForErrorBody({ code: 400, message: 'bad' })).toBe('bad_request');
    expect(mapInBandError({ code: 400, message: 'bad' }, scope).isRetryable).toBe(false);
  });
});
