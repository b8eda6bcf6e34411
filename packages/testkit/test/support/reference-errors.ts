import {
  type LoomError,
  MalformedResponseError,
  ModelNotFoundError,
  ProviderCallError,
} from '@loom/core';

/** `retry-after-ms` wins over `Retry-After` (seconds or an HTTP date), never negative. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1_000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Message, code and type of any of the three wires' error bodies. */
export function errorFields(text: string) {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200), code: undefined, type: undefined };
  }
  const record = (body ?? {}) as Record<string, unknown>;
  const inner = typeof record.error === 'object' && record.error !== null ? record.error : record;
  const fields = inner as Record<string, unknown>;
  const message =
    typeof record.error === 'string'
      ? record.error
      : String(fields.message ?? fields.detail ?? text);
  const code = fields.code === undefined || fields.code === null ? undefined : String(fields.code);
  const type = typeof fields.type === 'string' ? fields.type : undefined;
  return { message, code, type };
}

const CONTEXT = /context length|context_length_exceeded/i;

/** An upstream error status, mapped per the brief's table. */
export function statusError(
  provider: string,
  status: number,
  text: string,
  headers: Headers,
  model: string,
): LoomError {
  const { message, code, type } = errorFields(text);
  if (status === 404) return new ModelNotFoundError({ model, provider });
  const base = { provider, message, upstreamStatus: status, upstreamCode: code ?? type };
  const quota = code === 'insufficient_quota' || type === 'insufficient_quota';
  if ([400, 413, 422].includes(status)) {
    const context = CONTEXT.test(message) || code === 'context_length_exceeded';
    return new ProviderCallError({
      ...base,
      code: context ? 'context_length_exceeded' : 'bad_request',
      isRetryable: false,
    });
  }
  if (status === 401)
    return new ProviderCallError({ ...base, code: 'authentication_failed', isRetryable: true });
  if (status === 403)
    return new ProviderCallError({ ...base, code: 'permission_denied', isRetryable: true });
  if (status === 429 && quota)
    return new ProviderCallError({ ...base, code: 'insufficient_quota', isRetryable: true });
  const retry = retryAfterMs(headers);
  if (status === 429)
    return new ProviderCallError({ ...base, code: 'rate_limited', retryAfterMs: retry });
  if (status === 503)
    return new ProviderCallError({ ...base, code: 'provider_unavailable', retryAfterMs: retry });
  return new ProviderCallError({ ...base, code: 'provider_error', isRetryable: true });
}

/** An error object inside a stream. */
export function inBandError(provider: string, text: string): LoomError {
  const { message, code } = errorFields(text);
  return new ProviderCallError({ provider, message, upstreamCode: code, isRetryable: true });
}

/** A chunk or body that is not JSON. */
export function parseOrThrow(provider: string, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new MalformedResponseError({
      provider,
      message: `not JSON: ${text.slice(0, 80)}`,
      cause,
    });
  }
}
