import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  AllProvidersFailedError,
  ConnectionError,
  InvalidRequestError,
  LoomError,
  ModelNotFoundError,
  ProviderCallError,
  TimeoutError,
  toLoomError,
} from '../src/index.js';

describe('LoomError', () => {
  it('is recognised across two copies of core through its registered symbol', () => {
    // What a second bundled copy of @loom/core produces: same Symbol.for markers, other classes.
    const foreign = Object.assign(new Error('x'), {
      code: 'timeout',
      [Symbol.for('loom.error')]: true,
      [Symbol.for('loom.error.timeout')]: true,
    });
    expect(foreign instanceof LoomError).toBe(false);
    expect(LoomError.isInstance(foreign)).toBe(true);
    expect(TimeoutError.isInstance(foreign)).toBe(true);
    expect(ConnectionError.isInstance(foreign)).toBe(false);
    expect(LoomError.isInstance(new Error('plain'))).toBe(false);
    expect(LoomError.isInstance(null)).toBe(false);
  });

  it('derives retryability from the upstream status', () => {
    const at = (upstreamStatus: number) =>
      new ProviderCallError({ provider: 'p', message: 'm', upstreamStatus }).isRetryable;
    expect([408, 409, 429, 500, 503].map(at)).toEqual([true, true, true, true, true]);
    expect([400, 401, 404, 413, 422].map(at)).toEqual([false, false, false, false, false]);
    const forced = new ProviderCallError({
      provider: 'p',
      message: 'm',
      upstreamStatus: 401,
      isRetryable: true,
    });
    expect(forced.isRetryable).toBe(true);
  });

  it('says what went wrong and what to do, and serialises without the cause', () => {
    const error = new ConnectionError({
      provider: 'ollama',
      url: 'http://127.0.0.1:11434',
      cause: new Error('ECONNREFUSED'),
    });
    expect(error.message).toContain(
      "Could not reach provider 'ollama' at http://127.0.0.1:11434: ECONNREFUSED",
    );
    expect(error.message).toContain('Check that the server runs');
    expect(error.toJSON()).toEqual({
      name: 'ConnectionError',
      code: 'connection_failed',
      message: error.message,
      isRetryable: true,
      statusCode: 502,
      retryAfterMs: undefined,
      provider: 'ollama',
    });
  });

  it('names every bad path of an invalid request', () => {
    const error = new InvalidRequestError({
      issues: [
        { path: 'messages.0.role', message: 'Invalid input' },
        { path: 'temperature', message: 'Too big' },
      ],
    });
    expect(error.message).toBe(
      'Invalid request at messages.0.role: Invalid input (and 1 more). Fix the request and send it again.',
    );
    expect(error.statusCode).toBe(400);
  });

  it('model_not_found is retryable only when an upstream said it', () => {
    expect(new ModelNotFoundError({ model: 'x', known: ['chat'] }).isRetryable).toBe(false);
    expect(new ModelNotFoundError({ model: 'x', provider: 'openai' }).isRetryable).toBe(true);
  });

  it('takes status, retryability and retry-after of all_providers_failed from the last attempt', () => {
    const deployment = { id: 'a/m', providerId: 'a', model: 'm' };
    const last = new ProviderCallError({
      provider: 'b',
      code: 'rate_limited',
      message: 'slow down',
      upstreamStatus: 429,
      retryAfterMs: 2000,
    });
    const error = new AllProvidersFailedError({
      model: 'chat',
      attempts: [
        { attempt: 1, deployment, durationMs: 1, error: new ConnectionError({ provider: 'a' }) },
        { attempt: 2, deployment: { ...deployment, id: 'b/m' }, durationMs: 1, error: last },
      ],
    });
    expect(error).toMatchObject({
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 2000,
      provider: 'b',
    });
    expect(error.message).toContain('#1 a/m: connection_failed; #2 b/m: rate_limited');
  });

  it('turns anything a provider throws into a LoomError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toLoomError(refused, 'p')).toBeInstanceOf(ConnectionError);
    const bug = toLoomError(new TypeError('x is undefined'), 'p');
    expect(bug).toMatchObject({ code: 'provider_error', isRetryable: true, provider: 'p' });
    const same = new AbortedError();
    expect(toLoomError(same)).toBe(same);
  });
});
