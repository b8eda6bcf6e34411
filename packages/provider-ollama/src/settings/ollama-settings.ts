import type { ModelCapabilities } from '@loom/core';
import type { Dispatcher } from 'undici';

/** What Loom should believe about one model, over what `/api/tags` and heuristics say. */
export interface OllamaModelOverride {
  /** Largest prompt plus output, in tokens (Ollama's `num_ctx` the model runs with). */
  contextWindow?: number;
  /** Largest output, in tokens. */
  maxOutputTokens?: number;
  /** Capabilities to set; each one given replaces the guessed value. */
  capabilities?: ModelCapabilities;
}

/** Settings of `createOllama`. Every field is optional. */
export interface OllamaSettings {
  /** Provider id, unique within a kernel; used in `ollama/llama3.2` targets. Default `ollama`. */
  id?: string;
  /**
   * Server URL, such as `http://gpu-box:11434`. Default: the OLLAMA_HOST environment variable
   * read the way Ollama reads it (`host`, `host:port`, `:port` or a URL), else
   * `http://127.0.0.1:11434`. A path (behind a reverse proxy) is kept; credentials in the URL
   * become a Basic `authorization` header.
   */
  baseURL?: string;
  /** Extra headers on every request (a reverse proxy's `authorization`, for example). */
  headers?: Record<string, string>;
  /**
   * How long Ollama keeps a model loaded after a request, sent as `keep_alive`: a duration such
   * as `'5m'` or `'1h'`, or seconds; negative keeps it loaded for good, 0 unloads at once.
   * Default: not sent, so the server's own default (OLLAMA_KEEP_ALIVE, 5 minutes) applies.
   */
  keepAlive?: string | number;
  /** Per model id: context window, output limit and capabilities to report in listings. */
  models?: Record<string, OllamaModelOverride>;
  /** Most sockets open to the server at once. Default 32. */
  connections?: number;
  /** How long an idle socket stays open for reuse, in milliseconds. Default 4 000. */
  keepAliveTimeoutMs?: number;
  /** Limit for opening a connection, in milliseconds. Default 10 000. */
  connectTimeoutMs?: number;
  /**
   * Limit for the first answer of a loaded model (response headers; for streams, the first
   * line), in milliseconds. Default 60 000. Non-streamed chats get the whole generation in it.
   */
  headersTimeoutMs?: number;
  /**
   * The same limit when the model is not loaded, so it covers loading it from disk, in
   * milliseconds. Default 300 000. Whether a model is loaded comes from the last `/api/ps`
   * reading (taken by `doHealth`, which the kernel runs at start and then periodically, and by
   * `doListModels`) and from the answers seen since; before any reading `headersTimeoutMs` applies.
   */
  coldStartTimeoutMs?: number;
  /** Limit for silence between body bytes once the answer started, in milliseconds. Default 30 000. */
  bodyTimeoutMs?: number;
  /**
   * An undici dispatcher to send requests through instead of the provider's own `Pool` (a
   * proxy agent, a mock agent in tests). The caller owns it: `close()` leaves it open.
   */
  dispatcher?: Dispatcher;
}

/** Settings after validation, with defaults filled in; frozen. */
export interface ResolvedOllamaSettings {
  readonly id: string;
  /** Normalized server URL without a trailing slash or credentials. */
  readonly baseURL: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly keepAlive?: string | number;
  readonly models: Readonly<Record<string, Readonly<OllamaModelOverride>>>;
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly coldStartTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly dispatcher?: Dispatcher;
}
