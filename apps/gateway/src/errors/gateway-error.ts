/** OpenAI's error `type` values the gateway answers with. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

/** Options of `GatewayError`. */
export interface GatewayErrorOptions {
  /** HTTP status to answer with. */
  status: number;
  /** OpenAI error type. */
  type: OpenAIErrorType;
  /** What went wrong, for the caller. */
  message: string;
  /** Stable machine-readable code, or null. */
  code?: string | null;
  /** The request field at fault, or null. */
  param?: string | null;
  /** Seconds the caller should wait before retrying. */
  retryAfterSeconds?: number;
}

/**
 * An error raised by the gateway itself (bad body, auth, limits, routes), already in the terms of
 * OpenAI's error shape so the HTTP layer only has to serialize it.
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfterSeconds?: number;

  constructor(options: GatewayErrorOptions) {
    super(options.message);
    this.name = 'GatewayError';
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A 400 `invalid_request_error` about one field. */
export function invalidRequest(message: string, param: string | null, code?: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    message,
    param,
    code: code ?? 'invalid_request',
  });
}
