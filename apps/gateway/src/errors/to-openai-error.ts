import { LoomError, ModelNotFoundError, redactSecrets } from '@loom/core';
import { capEcho, MAX_CAPPED_LENGTH, MAX_ECHO_LENGTH } from './cap-echo.js';
import { GatewayError, type OpenAIErrorType } from './gateway-error.js';

/** The JSON body of an OpenAI error. */
export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

/** An error ready to send: status, body and the Retry-After header when known. */
export interface OpenAIErrorResponse {
  status: number;
  body: OpenAIErrorBody;
  /** Whole seconds, rounded up, for the `Retry-After` header. */
  retryAfterSeconds?: number;
}

// Loom codes renamed to the codes OpenAI clients already know how to react to.
const CODE_ALIASES: Record<string, string> = {
  rate_limited: 'rate_limit_exceeded',
  invalid_request: 'invalid_request',
};

function typeForStatus(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The error that decides the answer: for "all failed", the last attempt's error. */
function decisive(error: LoomError): LoomError {
  const cause = (error as { cause?: unknown }).cause;
  return error.code === 'all_providers_failed' && LoomError.isInstance(cause) ? cause : error;
}

// A gateway error's wording plus the capped values it repeats stays well under this: the cap
// catches a message or param that repeats a client's value uncapped.
const MAX_GATEWAY_MESSAGE_LENGTH = 600;

/**
 * The message of a Loom error for the caller, secrets blanked. The one that repeats what a
 * client sent is "no such model": its model name is capped there.
 */
function loomMessage(error: LoomError): string {
  const message = redactSecrets(error.message);
  if (!ModelNotFoundError.isInstance(error) || error.model.length <= MAX_ECHO_LENGTH)
    return message;
  return message.split(error.model).join(capEcho(error.model));
}

function fromLoomError(error: LoomError): OpenAIErrorResponse {
  const source = decisive(error);
  let status = error.statusCode ?? 500;
  // An upstream rejecting the gateway's own provider key is an operator problem: answering 401
  // would make the client believe its gateway key is wrong.
  const upstreamAuth = error.provider !== undefined && (status === 401 || status === 403);
  if (upstreamAuth) status = 502;
  const code = CODE_ALIASES[source.code] ?? source.code;
  const retryAfterSeconds =
    error.retryAfterMs === undefined
      ? undefined
      : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  return {
    status,
    retryAfterSeconds,
    body: {
      error: {
        message: loomMessage(error),
        type: typeForStatus(status),
        param: null,
        code: upstreamAuth ? 'upstream_authentication_failed' : code,
      },
    },
  };
}

/**
 * Maps anything thrown while serving a request to OpenAI's error shape: gateway errors as they
 * are, Loom errors by `statusCode` / `code` / `retryAfterMs`, anything else as a 500 whose
 * message does not leak internals.
 */
export function toOpenAIError(error: unknown): OpenAIErrorResponse {
  if (error instanceof GatewayError) {
    return {
      status: error.status,
      retryAfterSeconds: error.retryAfterSeconds,
      body: {
        error: {
          message: capEcho(error.message, MAX_GATEWAY_MESSAGE_LENGTH),
          type: error.type,
          param: error.param === null ? null : capEcho(error.param, MAX_CAPPED_LENGTH),
          code: error.code,
        },
      },
    };
  }
  if (LoomError.isInstance(error)) return fromLoomError(error);
  return {
    status: 500,
    body: {
      error: {
        message: 'The gateway failed to process the request.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      },
    },
  };
}
