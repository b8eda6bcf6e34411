import type { ServerResponse } from 'node:http';

/**
 * An AbortSignal that fires when the client goes away before the response ended: the kernel
 * passes it to the upstream call, so a disconnected client stops the generation it was paying for.
 */
export function clientGoneSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}
