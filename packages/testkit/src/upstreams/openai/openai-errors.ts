import { STATUS_CODES } from 'node:http';

/** The fields of an OpenAI-style error object; each wire flavour frames them its own way. */
export interface ErrorDetail {
  message: string;
  type: string;
  param: string | null;
  /** OpenAI's code is a string or null; Cloudflare-fronted 502/504 answers carry the status. */
  code: string | number | null;
}

/** A refusal a route answers with: the status and what went wrong. */
export interface WireError {
  status: number;
  detail: ErrorDetail;
}

const detail = (
  message: string,
  type: string,
  code: string | number | null = null,
  param: string | null = null,
): ErrorDetail => ({ message, type, param, code });

/** OpenAI's answer to a model it does not serve. */
export const modelNotFound = (model: string): WireError => ({
  status: 404,
  detail: detail(
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    'model_not_found',
  ),
});

/** OpenAI's answer to an unreadable JSON body. */
export const invalidJson = (): WireError => ({
  status: 400,
  detail: detail(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    'invalid_request_error',
  ),
});

/** OpenAI's answer to a missing or malformed parameter. */
export const invalidParameter = (param: string, message: string, code: string | null = null) => ({
  status: 400,
  detail: detail(message, 'invalid_request_error', code, param),
});

/** Hides all but the edges of a key, as OpenAI does when it echoes a wrong one. */
function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

/** OpenAI's 401 for a missing or wrong key (code `invalid_api_key` either way). */
export function invalidApiKey(provided: string | undefined): WireError {
  const message =
    provided === undefined
      ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
      : `Incorrect API key provided: ${maskKey(provided)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  return { status: 401, detail: detail(message, 'invalid_request_error', 'invalid_api_key') };
}

/** The body OpenAI sends with `status` when a test injects the status without a body. */
export function openAIStatusDetail(status: number, model: string | undefined): ErrorDetail {
  switch (status) {
    case 401:
      return invalidApiKey('sk-simulated-wrong-key').detail;
    case 403:
      return detail(
        'Country, region, or territory not supported',
        'request_forbidden',
        'unsupported_country_region_territory',
      );
    case 404:
      return modelNotFound(model ?? 'unknown-model').detail;
    case 413:
      return detail(
        'Request too large. Reduce the size of the request and try again.',
        'invalid_request_error',
        'request_too_large',
      );
    case 429:
      return detail(
        `Rate limit reached for ${model ?? 'the model'} in organization org-simulated on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
        'requests',
        'rate_limit_exceeded',
      );
    case 500:
      return detail(
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
      );
    case 502:
      return detail('Bad gateway.', 'cf_bad_gateway', 502);
    case 503:
      return detail('The server is overloaded or not ready yet.', 'server_error');
    case 504:
      return detail('Gateway timeout.', 'cf_gateway_timeout', 504);
    default:
      return detail(
        STATUS_CODES[status] ?? `HTTP ${status}`,
        status >= 500 ? 'server_error' : 'invalid_request_error',
      );
  }
}
