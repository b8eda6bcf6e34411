// Credentials that may hide in upstream messages, URLs, headers and stack traces. Providers run
// every text they put in an error through this, so a key never reaches a log, a span or a caller.
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[redacted]'],
  [
    /(["']?(?:authorization|x-api-key|api-key|api_key|apikey|access_token|secret)["']?\s*[:=]\s*["']?(?:(?:Bearer|Basic)\s+)?)[^"'\s,&}]+/gi,
    '$1[redacted]',
  ],
];

// A word every pattern above needs: most texts (every access line) hold none, and one test is a
// third of the cost of the three replaces.
const MAY_HOLD_SECRET = /bearer|basic|sk-|authorization|api[-_]?key|access_token|secret/i;

/** Replaces API keys, bearer tokens and `api_key=...` style values in `text` with `[redacted]`. */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of extraSecrets) {
    // Most lines hold no secret: a scan is far cheaper than split + join on every line.
    if (secret.length >= 4 && result.includes(secret))
      result = result.split(secret).join('[redacted]');
  }
  if (!MAY_HOLD_SECRET.test(result)) return result;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
