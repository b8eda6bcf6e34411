import { formatEmbeddings, parseEmbeddingsRequest } from '../wire/embeddings.js';
import { withCaller } from './caller-metadata.js';
import type { GatewayContext } from './gateway-context.js';
import { loomHeaders } from './loom-headers.js';
import { assertModelAllowed } from './model-access.js';
import type { Exchange } from './route-request.js';
import { sendJson } from './send.js';
import { recordUsage } from './served-record.js';

/** `POST /v1/embeddings`. */
export async function handleEmbeddings(
  context: GatewayContext,
  body: unknown,
  exchange: Exchange,
): Promise<void> {
  const parsed = parseEmbeddingsRequest(body);
  exchange.record.requestedModel = parsed.model;
  assertModelAllowed(exchange.caller, parsed.model);
  const metadata = withCaller(
    parsed.user === undefined ? undefined : { user: parsed.user },
    exchange.caller,
  );
  if (context.logPrompts) exchange.record.prompt = parsed.input;
  const result = await context.kernel.embed(
    {
      model: parsed.model,
      input: parsed.input,
      ...(parsed.dimensions === undefined ? {} : { dimensions: parsed.dimensions }),
      ...(metadata === undefined ? {} : { metadata }),
    },
    { cancellation: exchange.cancellation, requestId: exchange.requestId },
  );
  exchange.record.model = result.model;
  recordUsage(exchange.record, result.usage);
  const body200 = formatEmbeddings(result, { model: parsed.model, encoding: parsed.encoding });
  const costMicros = context.requestCost?.(exchange.requestId);
  const headers = loomHeaders({ requestId: exchange.requestId, costMicros });
  sendJson(exchange.response, 200, body200, headers);
}
