import { redactSecrets } from '@loom/core';

/** Longest upstream text Loom copies into an error message. */
const MAX_TEXT = 500;

/** `text` with credentials removed (the provider's own key first) and cut to a readable size. */
export function safeText(text: string, secrets: readonly string[]): string {
  const clean = redactSecrets(text, secrets);
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}...` : clean;
}

/**
 * A copy of `error` fit to be a `cause`: the same name, code and message, with credentials
 * removed from message and stack. Errors from the HTTP stack can quote request details, and a
 * cause travels wherever the Loom error goes (logs, spans, JSON APIs).
 */
export function safeCause(error: unknown, secrets: readonly string[]): Error {
  if (!(error instanceof Error)) return new Error(safeText(String(error), secrets));
  const copy = new Error(redactSecrets(error.message, secrets));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactSecrets(error.stack, secrets);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}
