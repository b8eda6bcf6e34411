import {
  type CallAuth,
  collectSecrets,
  createJsonClient,
  createSharedPool,
  type JsonClient,
} from '@loom/provider-utils';
import { createOllamaErrorMapper } from '../errors/map-ollama-error.js';
import type { ResolvedOllamaSettings } from '../settings/ollama-settings.js';

/** Paths from the origin of the endpoints the provider calls, a base URL path included. */
export interface OllamaPaths {
  readonly chat: string;
  readonly embed: string;
  readonly tags: string;
  readonly ps: string;
  readonly version: string;
}

/** HTTP to one Ollama server: two clients over one pool, differing only in the headers limit. */
export interface OllamaHttp {
  /** For models loaded or not known to be cold: `headersTimeoutMs` for the first answer. */
  readonly warm: JsonClient;
  /** For models that must be loaded first: `coldStartTimeoutMs` for the first answer. */
  readonly cold: JsonClient;
  readonly paths: OllamaPaths;
  /** Headers and secrets of a GET. */
  readonly get: CallAuth;
  /** Headers and secrets of a POST with a JSON body. */
  readonly post: CallAuth;
  /** Closes the pool (not a caller-given dispatcher); safe to call twice. */
  close(): Promise<void>;
}

type ClientSettings = Omit<ResolvedOllamaSettings, 'headers'>;

function pathsUnder(basePath: string): OllamaPaths {
  return {
    chat: `${basePath}/api/chat`,
    embed: `${basePath}/api/embed`,
    tags: `${basePath}/api/tags`,
    ps: `${basePath}/api/ps`,
    version: `${basePath}/api/version`,
  };
}

/** Builds the clients of a provider instance; nothing connects until the first call. */
export function createOllamaHttp(
  settings: ClientSettings,
  headers: Readonly<Record<string, string>>,
): OllamaHttp {
  const pool = createSharedPool({
    baseURL: settings.baseURL,
    connections: settings.connections,
    keepAliveTimeoutMs: settings.keepAliveTimeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    headersTimeoutMs: settings.headersTimeoutMs,
    bodyTimeoutMs: settings.bodyTimeoutMs,
    ...(settings.dispatcher === undefined ? {} : { dispatcher: settings.dispatcher }),
  });
  const mapError = createOllamaErrorMapper(settings.id, settings.baseURL);
  const client = (headersTimeoutMs: number) =>
    createJsonClient({
      provider: settings.id,
      baseURL: settings.baseURL,
      dispatcher: pool.dispatcher,
      headersTimeoutMs,
      bodyTimeoutMs: settings.bodyTimeoutMs,
      mapError,
    });
  const warm = client(settings.headersTimeoutMs);
  const secrets = collectSecrets(headers);
  const getHeaders = { 'user-agent': 'loom-provider-ollama', ...headers };
  return {
    warm,
    cold: client(settings.coldStartTimeoutMs),
    paths: pathsUnder(warm.http.basePath),
    get: { headers: getHeaders, secrets },
    post: { headers: { ...getHeaders, 'content-type': 'application/json' }, secrets },
    close: () => pool.close(),
  };
}
