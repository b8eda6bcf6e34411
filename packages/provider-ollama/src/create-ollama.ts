import type {
  CallContext,
  ChatRequest,
  ChatResponse,
  EmbedRequest,
  EmbedResponse,
  HealthReport,
  ModelInfo,
  ProviderStreamResult,
  ProviderV1,
} from '@loom/core';
import { ChatStreamMapper } from './chat/chat-stream-mapper.js';
import { fromOllamaResponse } from './chat/from-ollama-response.js';
import { chatStream } from './chat/ollama-stream.js';
import { toOllamaChatRequest } from './chat/to-ollama-request.js';
import { fromOllamaEmbedResponse, toOllamaEmbedRequest } from './embed/embed.js';
import { collectSecrets, createRedactor } from './errors/redactor.js';
import { firstTokenLimit } from './first-token-limit.js';
import { checkHealth } from './health/check-health.js';
import { OllamaClient } from './http/ollama-client.js';
import { listModels } from './models/list-models.js';
import { ModelState } from './models/model-state.js';
import type { OllamaSettings, ResolvedOllamaSettings } from './settings/ollama-settings.js';
import { keepAliveToMs } from './settings/parse-duration.js';
import { resolveOllamaSettings } from './settings/resolve-settings.js';

/** An Ollama provider: a `ProviderV1` plus the settings it runs with. */
export interface OllamaProvider extends ProviderV1 {
  readonly type: 'ollama';
  /** Validated, frozen settings; `headers` are left out, since they may hold credentials. */
  readonly settings: Omit<ResolvedOllamaSettings, 'headers'>;
  /** `GET /api/tags` (plus `/api/ps` for `loaded`) as `ModelInfo`s. */
  doListModels(context: { signal: AbortSignal }): Promise<ModelInfo[]>;
  /** `POST /api/chat` with `stream: false`. */
  doChat(request: ChatRequest, context: CallContext): Promise<ChatResponse>;
  /** `POST /api/chat` streamed as NDJSON; resolves once the server accepted the request. */
  doStream(request: ChatRequest, context: CallContext): Promise<ProviderStreamResult>;
  /** `POST /api/embed`. */
  doEmbed(request: EmbedRequest, context: CallContext): Promise<EmbedResponse>;
  /** `GET /api/version` and `GET /api/ps`; never rejects except when `signal` aborts. */
  doHealth(context: { signal: AbortSignal }): Promise<HealthReport>;
  /** Closes the connection pool (not a caller-given dispatcher); safe to call twice. */
  close(): Promise<void>;
}

function serverOf(baseURL: string): { address: string; port: number } {
  const url = new URL(baseURL);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { address: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/**
 * Creates a provider for Ollama's native API (`/api/chat`, `/api/embed`, `/api/tags`,
 * `/api/ps`, `/api/version`), speaking HTTP through one undici `Pool`. Settings are checked
 * here, once: a wrong one throws a `ConfigError` naming it (and OLLAMA_HOST for the URL).
 * Nothing connects until the first call.
 */
export function createOllama(settings?: OllamaSettings): OllamaProvider {
  const {
    urlAuthorization,
    headers: configuredHeaders,
    ...resolved
  } = resolveOllamaSettings(settings);
  const headers = {
    ...(urlAuthorization ? { authorization: urlAuthorization } : {}),
    ...configuredHeaders,
  };
  const provider = resolved.id;
  const redact = createRedactor(collectSecrets(headers));
  const client = new OllamaClient({ ...resolved, provider, headers, redact });
  const state = new ModelState();
  const limits = {
    state,
    headersTimeoutMs: resolved.headersTimeoutMs,
    coldStartTimeoutMs: resolved.coldStartTimeoutMs,
  };
  const defaults = resolved.keepAlive === undefined ? {} : { keepAlive: resolved.keepAlive };
  // After an answer the model stays loaded for the keep-alive the request asked for.
  const answered = (model: string, keepAlive: unknown) => {
    const value =
      typeof keepAlive === 'string' || typeof keepAlive === 'number' ? keepAlive : undefined;
    state.markLoaded(model, value === undefined ? undefined : keepAliveToMs(value));
  };
  const chatBody = (request: ChatRequest, stream: boolean) =>
    toOllamaChatRequest(request, stream, defaults);

  return Object.freeze({
    specificationVersion: 'v1' as const,
    id: provider,
    type: 'ollama' as const,
    server: serverOf(resolved.baseURL),
    settings: resolved,
    doListModels: ({ signal }: { signal: AbortSignal }) =>
      listModels({
        client,
        state,
        provider,
        overrides: resolved.models,
        timeoutMs: resolved.headersTimeoutMs,
        signal,
      }),
    async doChat(request, { signal }) {
      signal.throwIfAborted();
      const body = chatBody(request, false);
      const answer = await client.json({
        method: 'POST',
        path: '/api/chat',
        body,
        signal,
        firstByte: firstTokenLimit(limits, request.model, 'attempt', false),
        model: request.model,
      });
      const response = await fromOllamaResponse(answer, request, { provider, redact });
      answered(request.model, body.keep_alive);
      return response;
    },
    async doStream(request, { signal }) {
      signal.throwIfAborted();
      const body = chatBody(request, true);
      const open = await client.send({
        method: 'POST',
        path: '/api/chat',
        body,
        signal,
        firstByte: firstTokenLimit(limits, request.model, 'first-chunk', true),
        model: request.model,
      });
      const mapper = new ChatStreamMapper(request, provider, redact);
      const onComplete = () => answered(request.model, body.keep_alive);
      return {
        stream: chatStream(open, mapper, {
          provider,
          redact,
          bodyTimeoutMs: resolved.bodyTimeoutMs,
          onComplete,
        }),
      };
    },
    async doEmbed(request, { signal }) {
      signal.throwIfAborted();
      const body = toOllamaEmbedRequest(request, resolved.keepAlive);
      const answer = await client.json({
        method: 'POST',
        path: '/api/embed',
        body,
        signal,
        firstByte: firstTokenLimit(limits, request.model, 'attempt', false),
        model: request.model,
      });
      const response = await fromOllamaEmbedResponse(answer, request, provider);
      answered(request.model, body.keep_alive);
      return response;
    },
    doHealth: ({ signal }: { signal: AbortSignal }) =>
      checkHealth({
        client,
        state,
        provider,
        baseURL: resolved.baseURL,
        timeoutMs: resolved.headersTimeoutMs,
        signal,
      }),
    close: () => client.close(),
  } satisfies OllamaProvider);
}
