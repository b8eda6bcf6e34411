import { ConfigError } from '@loom/core';
import type { CallAuth } from '@loom/provider-utils';
import type { ApiKeySource } from './openai-compatible-config.js';

export type { CallAuth };

/** Header names whose values are credentials, so error texts get them redacted too. */
const SENSITIVE = /auth|key|token|secret|cookie/i;

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/**
 * Builds the per-call auth resolver. The key is read at every call (it may rotate); the headers
 * object is rebuilt only when the key changes, so the hot path allocates nothing here.
 */
export function createAuthResolver(options: {
  apiKey?: ApiKeySource;
  requiredApiKeyOption?: string;
  headers?: Readonly<Record<string, string>>;
  providerId: string;
}): () => CallAuth | Promise<CallAuth> {
  const extra: Record<string, string> = {};
  const headerSecrets: string[] = [];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    extra[name.toLowerCase()] = value;
    if (SENSITIVE.test(name)) headerSecrets.push(value);
  }
  const build = (key: string | undefined): CallAuth => ({
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...extra,
    },
    secrets: key ? [key, ...headerSecrets] : headerSecrets,
  });
  let lastKey: string | undefined;
  let last = build(undefined);
  const forKey = (key: string | undefined): CallAuth => {
    if (!key && options.requiredApiKeyOption) {
      throw new ConfigError({
        source: `provider '${options.providerId}'`,
        path: options.requiredApiKeyOption,
        message: 'an API key is required for this server, and none is set.',
      });
    }
    if (key !== lastKey) {
      lastKey = key;
      last = build(key);
    }
    return last;
  };
  const source = options.apiKey;
  if (!source) return () => forKey(undefined);
  return () => {
    const key = source();
    return isPromiseLike(key) ? Promise.resolve(key).then(forKey) : forKey(key);
  };
}
