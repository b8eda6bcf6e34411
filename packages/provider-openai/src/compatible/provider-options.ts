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

// Walked with a stack of its own: nesting as deep as a caller likes cannot overflow the call stack.
function findForbidden(root: JSONValue | undefined, rootPath: string): string | undefined {
  const pending: Array<[JSONValue | undefined, string]> = [[root, rootPath]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        pending.push([value[index], `${path}.${index}`]);
      }
      continue;
    }
    const keys = Object.keys(value);
    for (const key of keys) if (FORBIDDEN.test(key)) return `${path}.${key}`;
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index] as string;
      pending.push([value[key], `${path}.${key}`]);
    }
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
