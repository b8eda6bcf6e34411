import type { Exchange } from './route-request.js';

// One reason for every disconnect: aborting without one builds an AbortError (with a stack
// trace) per request, and the kernel wraps the reason as the cause of its own AbortedError.
const CLIENT_GONE = new Error('client disconnected');

/**
 * Called when the response closed: if it had not ended, the client went away, and the exchange's
 * cancellation aborts the kernel call and with it the upstream request, so a disconnected client
 * stops the generation it was paying for.
 */
export function clientGone(exchange: Exchange): void {
  if (!exchange.response.writableFinished) exchange.cancellation.abort(CLIENT_GONE);
}
