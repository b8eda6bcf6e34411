import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { toOpenAIError } from '../errors/to-openai-error.js';
import { ChunkEncoder } from '../wire/chunk-encoder.js';
import type { ParsedChatRequest } from '../wire/parse-chat-request.js';
import type { GatewayContext } from './gateway-context.js';
import { loomHeaders } from './loom-headers.js';

interface StreamExchange {
  response: ServerResponse;
  requestId: string;
  signal: AbortSignal;
  meta: { id: string; model: string; created: number };
}

/** Writes respecting backpressure: a slow client slows the upstream read instead of buffering. */
async function write(response: ServerResponse, text: string, signal: AbortSignal): Promise<void> {
  if (text && !response.write(text)) await once(response, 'drain', { signal });
}

/**
 * Streams a completion as SSE. Failures before the first chunk surface as an ordinary error
 * response (the kernel has failed over by then); after it, as an in-band `data: {"error"}` frame
 * with no `[DONE]`, so a client never mistakes a broken answer for a finished one.
 */
export async function streamChat(
  context: GatewayContext,
  parsed: ParsedChatRequest,
  exchange: StreamExchange,
): Promise<void> {
  const { response, requestId, signal } = exchange;
  const stream = await context.kernel.stream(parsed.request, { signal, requestId });
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...loomHeaders({
      requestId,
      deployment: stream.deployment,
      attempts: stream.attempts.length + 1,
      cached: stream.cached === true,
    }),
  });
  const encoder = new ChunkEncoder({ ...exchange.meta, includeUsage: parsed.includeUsage });
  try {
    for await (const part of stream) await write(response, encoder.encode(part), signal);
    response.end(encoder.end());
  } catch (error) {
    if (signal.aborted) {
      stream.cancel(signal.reason);
      response.destroy();
      return;
    }
    response.end(encoder.error(toOpenAIError(error).body));
  }
}
