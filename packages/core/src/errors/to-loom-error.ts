import { ConnectionError } from './connection-error.js';
import { LoomError } from './loom-error.js';
import { ProviderCallError } from './provider-call-error.js';

/**
 * Turns anything a provider threw into a `LoomError`, so the router always has `isRetryable`.
 * An unknown failure is treated as retryable on another deployment: a bug in one provider
 * should not take the request down when another can serve it.
 */
export function toLoomError(error: unknown, provider?: string): LoomError {
  if (LoomError.isInstance(error)) return error;
  const name = provider ?? 'unknown';
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EPIPE|UND_ERR_SOCKET)$/.test(code)
  ) {
    return new ConnectionError({ provider: name, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderCallError({ provider: name, message, cause: error });
}
