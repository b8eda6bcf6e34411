/** Header names whose values are credentials. */
const SENSITIVE_HEADER = /auth|key|token|secret|cookie|session|password|credential/i;

/**
 * The secrets a set of request headers holds, for `CallAuth.secrets`: values of credential-like
 * headers, and the token part of any `Bearer ...` / `Basic ...` / `Token ...` value, so an
 * upstream that echoes either cannot leak it. Longest first, so a secret that contains another
 * is removed whole.
 */
export function collectSecrets(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const scheme = /^\s*(?:bearer|basic|token)\s+(\S+)/i.exec(value);
    if (scheme?.[1]) secrets.push(scheme[1]);
    if (SENSITIVE_HEADER.test(name) || scheme) secrets.push(value.trim());
  }
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}
