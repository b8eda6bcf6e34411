import { ConnectionError, ProviderCallError, TimeoutError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { mapTransportError, safeCause, type TransportScope } from '../src/index.js';

const secret = 'sk-transport-secret-1234';

function scope(signal: AbortSignal = new AbortController().signal): TransportScope {
  return {
    provider: 'ollama',
    url: 'http://127.0.0.1:1/api/chat',
    secrets: [secret],
    signal,
    headersPhase: 'first-chunk',
    headersTimeoutMs: 400,
    bodyTimeoutMs: 300,
  };
}

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('mapTransportError', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'ERR_STREAM_PREMATURE_CLOSE',
  ])('maps %s to a retryable ConnectionError with a safe cause', (code) => {
    const error = mapTransportError(coded(`failed with ${secret}`, code), scope());
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as ConnectionError).isRetryable).toBe(true);
    const cause = (error as ConnectionError).cause as Error & { code: string };
    expect(cause.code).toBe(code);
    expect(cause.message).not.toContain(secret);
  });

  it('finds a connection code in a wrapped cause or an AggregateError of addresses', () => {
    const refused = coded('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED');
    const wrapped = new Error('dispatch failed', { cause: refused });
    const attempts = new AggregateError([coded('v6', 'ENETUNREACH'), refused], 'all failed');
    for (const error of [wrapped, attempts]) {
      expect(ConnectionError.isInstance(mapTransportError(error, scope()))).toBe(true);
    }
  });

  it('maps undici timeouts to the phase each stands for', () => {
    expect(mapTransportError(coded('late', 'UND_ERR_HEADERS_TIMEOUT'), scope())).toMatchObject({
      phase: 'first-chunk',
      timeoutMs: 400,
    });
    const idle = mapTransportError(coded('silent', 'UND_ERR_BODY_TIMEOUT'), scope());
    expect(TimeoutError.isInstance(idle)).toBe(true);
    expect(idle).toMatchObject({ phase: 'idle', timeoutMs: 300 });
  });

  it('maps anything else to a retryable ProviderCallError without the secret', () => {
    const error = mapTransportError(new TypeError(`weird ${secret}`), scope());
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect((error as ProviderCallError).isRetryable).toBe(true);
    expect((error as Error).message).not.toContain(secret);
  });

  it("answers with the caller's reason once the signal fired", () => {
    const controller = new AbortController();
    const reason = new Error('caller left');
    controller.abort(reason);
    expect(mapTransportError(coded('reset', 'ECONNRESET'), scope(controller.signal))).toBe(reason);
  });
});

describe('safeCause', () => {
  it('keeps name, message and code, without the secret and without a deeper cause', () => {
    const original = Object.assign(
      new Error(`failed with token ${secret}`, { cause: new Error(secret) }),
      { code: 'E_X' },
    );
    const cause = safeCause(original, [secret]);
    expect(cause.message).toBe('failed with token [redacted]');
    expect(cause.stack).not.toContain(secret);
    expect(cause.cause).toBeUndefined();
    expect((cause as Error & { code: string }).code).toBe('E_X');
  });
});
