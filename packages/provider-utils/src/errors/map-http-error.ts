import {
  type LoomError,
  ModelNotFoundError,
  ProviderCallError,
  type ProviderErrorCode,
} from '@loom/core';
import { parseRetryAfter, type ResponseHeaders } from '../http/retry-after.js';
import type { UpstreamErrorBody } from './error-body.js';
import { safeText } from './redact.js';

/** Who failed and where, for error messages. */
export interface ErrorScope {
  /** Provider id. */
  provider: string;
  /** Request URL (origin and path, never a query or credentials). */
  url: string;
  /** Upstream model id the call was for, when it had one. */
  model?: string;
  /** Credentials to remove from every text put into an error. */
  secrets: readonly string[];
}

/** An upstream's non-2xx answer. */
export interface UpstreamFailure {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: ResponseHeaders;
  /** The body as text (possibly cut short). */
  text: string;
  /** The body's error fields, when the parser understood it. */
  error: UpstreamErrorBody | undefined;
}

const CONTEXT_LENGTH = /context[ _]length|context window/i;
const RATE_LIMIT = /^rate_limit/;

function mentionsContextLength(error: UpstreamErrorBody | undefined): boolean {
  if (!error) return false;
  return CONTEXT_LENGTH.test(String(error.code ?? '')) || CONTEXT_LENGTH.test(error.message ?? '');
}

function isQuotaError(error: UpstreamErrorBody | undefined): boolean {
  return error?.code === 'insufficient_quota' || error?.type === 'insufficient_quota';
}

/** Loom's code for an upstream status, refined by the error body. */
export function codeForStatus(
  status: number,
  error: UpstreamErrorBody | undefined,
): ProviderErrorCode {
  if (status === 401) return 'authentication_failed';
  if (status === 403) return 'permission_denied';
  if (status === 429) return isQuotaError(error) ? 'insufficient_quota' : 'rate_limited';
  if (status === 503) return 'provider_unavailable';
  if (status === 408 || status === 409 || status >= 500) return 'provider_error';
  if (status >= 400)
    return mentionsContextLength(error) ? 'context_length_exceeded' : 'bad_request';
  return 'provider_error';
}

/**
 * Loom's code for an error object that carries no HTTP status (one sent inside a stream): vLLM
 * puts the status in `code`, OpenAI a string code or type.
 */
export function codeForErrorBody(error: UpstreamErrorBody): ProviderErrorCode {
  if (typeof error.code === 'number' && error.code >= 400 && error.code < 600) {
    return error.code === 404 ? 'model_not_found' : codeForStatus(error.code, error);
  }
  if (mentionsContextLength(error)) return 'context_length_exceeded';
  if (isQuotaError(error)) return 'insufficient_quota';
  const code = String(error.code ?? error.type ?? '');
  if (RATE_LIMIT.test(code)) return 'rate_limited';
  if (code === 'invalid_api_key' || code === 'authentication_error') {
    return 'authentication_failed';
  }
  if (code === 'content_filter') return 'content_filter';
  return 'provider_error';
}

/** Whether another attempt may succeed after an error with this code. */
export function isRetryableCode(code: ProviderErrorCode): boolean {
  return code !== 'bad_request' && code !== 'context_length_exceeded';
}

/** The upstream's own words, credentials removed, or a fallback naming the status. */
function describe(failure: UpstreamFailure, scope: ErrorScope): string {
  const text = failure.error?.message ?? failure.text;
  return text.trim() === '' ? `HTTP ${failure.status}` : safeText(text, scope.secrets);
}

/** Maps a non-2xx upstream answer to the `LoomError` the error table prescribes. */
export function mapHttpError(failure: UpstreamFailure, scope: ErrorScope): LoomError {
  const { status, error } = failure;
  const message = describe(failure, scope);
  if (status === 404 && scope.model !== undefined) {
    return new ModelNotFoundError({
      model: scope.model,
      provider: scope.provider,
      cause: new Error(`Upstream answered 404: ${message}`),
    });
  }
  const code = codeForStatus(status, error);
  const upstreamCode = error?.code ?? error?.type;
  const retryable = isRetryableCode(code);
  const retryAfterMs =
    retryable && code !== 'insufficient_quota' ? parseRetryAfter(failure.headers) : undefined;
  return new ProviderCallError({
    provider: scope.provider,
    message,
    code,
    upstreamStatus: status,
    isRetryable: retryable,
    url: scope.url,
    ...(upstreamCode === undefined ? {} : { upstreamCode: String(upstreamCode) }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Maps an error object the upstream sent inside a stream. */
export function mapInBandError(error: UpstreamErrorBody, scope: ErrorScope): LoomError {
  const code = codeForErrorBody(error);
  const upstreamCode = error.code ?? error.type;
  return new ProviderCallError({
    provider: scope.provider,
    message: `error inside the stream: ${safeText(error.message ?? 'no message', scope.secrets)}`,
    code,
    isRetryable: isRetryableCode(code),
    url: scope.url,
    ...(upstreamCode === undefined ? {} : { upstreamCode: String(upstreamCode) }),
  });
}
