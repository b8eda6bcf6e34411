import { InvalidRequestError, type JSONObject, type JSONValue } from '@loom/core';

/**
 * Body fields a caller may set through `providerOptions[type]` on any OpenAI-compatible server:
 * sampling and output controls that change nothing about where the request goes or who pays.
 * Fields Loom sets itself (model, messages, stream, ...) are not among them.
 */
export const SHARED_PROVIDER_OPTION_KEYS: readonly string[] = [
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'user',
  'parallel_tool_calls',
  'reasoning_effort',
  'service_tier',
  'store',
  'metadata',
  'prediction',
  'verbosity',
  'safety_identifier',
  'prompt_cache_key',
];

// Names that would point a request, or a key, at another host. Refused wherever they appear.
const FORBIDDEN = /^(api_?base|base_?url|api_?key|endpoint|host|url|proxy)$/i;

function findForbidden(value: JSONValue | undefined, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findForbidden(value[index], `${path}.${index}`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, nested] of Object.entries(value)) {
    if (FORBIDDEN.test(key)) return `${path}.${key}`;
    const found = findForbidden(nested, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Copies the allowed keys of `options` into `body`. Unknown keys are left out (as in the Vercel
 * AI SDK: options meant for another version or server must not break a request); a key that
 * could redirect the request is refused with an `InvalidRequestError`, nested ones too.
 */
export function applyProviderOptions(
  body: Record<string, unknown>,
  options: JSONObject | undefined,
  allowed: ReadonlySet<string>,
  context: { providerType: string; providerId: string },
): void {
  if (options === undefined) return;
  const path = `providerOptions.${context.providerType}`;
  const forbidden = findForbidden(options, path);
  if (forbidden) {
    throw new InvalidRequestError({
      provider: context.providerId,
      issues: [
        {
          path: forbidden,
          message: 'must not be set: base URLs and keys come only from provider settings',
        },
      ],
    });
  }
  for (const key in options) {
    const value = options[key];
    if (value !== undefined && allowed.has(key)) body[key] = value;
  }
}
