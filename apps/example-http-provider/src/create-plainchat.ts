import type { CallContext, ChatRequest, ProviderV1 } from '@loom/core';
import {
  callCancel,
  createJsonClient,
  type JsonCall,
  openStream,
  parseSettings,
  probeHealth,
  readNdjsonStream,
  sendJson,
  serverOf,
} from '@loom/provider-utils';
import { type PlainchatSettings, plainchatSettingsSchema } from './plainchat-settings.js';
import {
  fromPlainchatModels,
  fromPlainchatResponse,
  plainchatStreamMapper,
  toPlainchatRequest,
} from './plainchat-wire.js';

/**
 * A provider for a Plainchat server: JSON in, one JSON answer or newline-delimited JSON lines
 * out. `@loom/provider-utils` does the HTTP: pooling, timeouts, cancellation, and the mapping
 * of every failure to the `LoomError` the kernel's router expects.
 */
export function createPlainchat(input?: PlainchatSettings): ProviderV1 {
  const settings = parseSettings(plainchatSettingsSchema, input, 'createPlainchat');
  const { id, apiKey, ...connection } = settings;
  const client = createJsonClient({ provider: id, ...connection });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const auth = { headers, secrets: apiKey ? [apiKey] : [] };
  const path = (route: string) => `${client.http.basePath}${route}`;
  const get = (route: string, signal: AbortSignal) =>
    sendJson(client, { method: 'GET', path: path(route), auth, signal });
  const generate = (request: ChatRequest, context: CallContext, stream: boolean): JsonCall => ({
    method: 'POST',
    path: path('/api/generate'),
    body: JSON.stringify(toPlainchatRequest(request, stream)),
    auth,
    signal: callCancel(context),
    model: request.model,
  });
  return {
    specificationVersion: 'v1',
    id,
    type: 'plainchat',
    server: serverOf(settings.baseURL),
    doListModels: async ({ signal }) => fromPlainchatModels(await get('/api/models', signal)),
    doChat: async (request, context) =>
      fromPlainchatResponse(await sendJson(client, generate(request, context, false)), request),
    async doStream(request, context) {
      const open = await openStream(client, generate(request, context, true));
      const mapper = plainchatStreamMapper(request, open.scope);
      return { stream: readNdjsonStream(open, mapper, '"done": true') };
    },
    doHealth: ({ signal }) =>
      probeHealth(() => get('/api/health', signal), { signal, what: 'GET /api/health' }),
    close: () => client.close(),
  };
}
