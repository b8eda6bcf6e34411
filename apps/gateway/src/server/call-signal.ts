import type { Exchange } from './route-request.js';

// One reason for every disconnect: aborting without one builds an AbortError (with a stack
// trace) per request, and the kernel wraps the reason as the cause of its own AbortedError.
const CLIENT_GONE = new Error('client disconnected');

/**
 * An AbortSignal that fires when the client goes away before the response ended: the kernel
 * passes it to the upstream call, so a disconnected client stops the generation it was paying for.
 * The gateway's one `close` listener per response fires it (see `clientGone`), so asking for the
 * signal adds no listener of its own.
 */
export function clientGoneSignal(exchange: Exchange): AbortSignal {
  exchange.clientGone ??= new AbortController();
  return exchange.clientGone.signal;
}

/** Called when the response closed: aborts the signal when the response had not ended. */
export function clientGone(exchange: Exchange): void {
  const controller = exchange.clientGone;
  if (controller && !exchange.response.writableFinished) controller.abort(CLIENT_GONE);
}
