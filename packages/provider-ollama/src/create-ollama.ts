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
import { serverOf } from '@loom/provider-utils';
import { chat, stream } from './chat/chat-operations.js';
import { embed } from './embed/embed-operation.js';
import { checkHealth } from './health/check-health.js';
import { createOllamaHttp } from './http/ollama-http.js';
import { listModels } from './models/list-models.js';
import { ModelState } from './models/model-state.js';
import type { OllamaRuntime } from './ollama-runtime.js';
import type { OllamaSettings, ResolvedOllamaSettings } from './settings/ollama-settings.js';
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
  const http = createOllamaHttp(resolved, headers);
  const runtime: OllamaRuntime = {
    provider: resolved.id,
    http,
    state: new ModelState(),
    ...(resolved.keepAlive === undefined ? {} : { keepAlive: resolved.keepAlive }),
  };
  const { state } = runtime;
  return Object.freeze({
    specificationVersion: 'v1' as const,
    id: runtime.provider,
    type: 'ollama' as const,
    server: serverOf(resolved.baseURL),
    settings: resolved,
    doListModels: ({ signal }: { signal: AbortSignal }) =>
      listModels({ http, state, overrides: resolved.models, signal }),
    doChat: (request, context) => chat(runtime, request, context),
    doStream: (request, context) => stream(runtime, request, context),
    doEmbed: (request, context) => embed(runtime, request, context),
    doHealth: ({ signal }: { signal: AbortSignal }) =>
      checkHealth({ http, state, baseURL: resolved.baseURL, signal }),
    close: () => http.close(),
  } satisfies OllamaProvider);
}
