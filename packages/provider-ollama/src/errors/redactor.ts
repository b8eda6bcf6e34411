import { redactSecrets } from '@loom/core';

/** Removes the provider's own credentials (and well-known secret shapes) from a text. */
export type Redact = (text: string) => string;

const SENSITIVE_HEADER = /auth|key|token|secret|cookie|session|password|credential/i;

/**
 * The secrets this provider holds: values of credential-like headers, and the token part of any
 * `Bearer ...` / `Basic ...` value, so an upstream that echoes either cannot leak it.
 */
export function collectSecrets(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const scheme = /^\s*(?:bearer|basic|token)\s+(\S+)/i.exec(value);
    if (scheme?.[1]) secrets.push(scheme[1]);
    if (SENSITIVE_HEADER.test(name) || scheme) secrets.push(value.trim());
  }
  // Longest first, so a secret that contains another is removed whole.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/** A redactor for these secrets. */
export function createRedactor(secrets: readonly string[]): Redact {
  return (text) => redactSecrets(text, secrets);
}

/**
 * A stand-in for `error` safe to keep as a `cause`: same name, message and code, with every
 * text redacted and no deeper cause (undici errors can nest socket details).
 */
export function safeCause(error: unknown, redact: Redact): Error | undefined {
  if (error === undefined || error === null) return undefined;
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redact(source.message));
  copy.name = source.name;
  copy.stack = redact(source.stack ?? `${source.name}: ${source.message}`);
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code: redact(code) });
  return copy;
}
