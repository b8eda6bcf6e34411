import type { ServerResponse } from 'node:http';
import { formatEmbeddings, parseEmbeddingsRequest } from '../wire/embeddings.js';
import { clientGoneSignal } from './call-signal.js';
import type { GatewayContext } from './gateway-context.js';
import { loomHeaders } from './loom-headers.js';
import { sendJson } from './send.js';

/** `POST /v1/embeddings`. */
export async function handleEmbeddings(
  context: GatewayContext,
  body: unknown,
  exchange: { response: ServerResponse; requestId: string },
): Promise<void> {
  const parsed = parseEmbeddingsRequest(body);
  const signal = clientGoneSignal(exchange.response);
  const result = await context.kernel.embed(
    {
      model: parsed.model,
      input: parsed.input,
      ...(parsed.dimensions === undefined ? {} : { dimensions: parsed.dimensions }),
      ...(parsed.user === undefined ? {} : { metadata: { user: parsed.user } }),
    },
    { signal, requestId: exchange.requestId },
  );
  const body200 = formatEmbeddings(result, { model: parsed.model, encoding: parsed.encoding });
  sendJson(exchange.response, 200, body200, loomHeaders({ requestId: exchange.requestId }));
}
