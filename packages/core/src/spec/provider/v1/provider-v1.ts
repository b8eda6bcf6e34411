import type { ChatRequest } from '../../chat/chat-request.js';
import type { ChatResponse } from '../../chat/chat-response.js';
import type { ChatStreamPart } from '../../chat/chat-stream-part.js';
import type { EmbedRequest } from '../../embed/embed-request.js';
import type { EmbedResponse } from '../../embed/embed-response.js';
import type { CallContext } from './call-context.js';
import type { HealthReport } from './health-report.js';
import type { LoadSignal } from './load-signal.js';
import type { ModelInfo } from './model-info.js';

/** Provider types Loom ships; third-party plugins use their own names. */
export type ProviderType = 'openai' | 'ollama' | 'vllm' | (string & {});

/** What `doStream` resolves to once the upstream has accepted the request. */
export interface ProviderStreamResult {
  /**
   * The chunks. Exactly one `finish` part, last. Upstream failures, including one sent inside
   * the stream, are thrown by the iterator as `LoomError`s. Breaking out of the loop (calling
   * `return()`) must release the upstream connection.
   */
  stream: AsyncIterable<ChatStreamPart>;
}

/**
 * A source of chat completions and embeddings: a plain object, usually made by a factory such as
 * `createOpenAI(settings)`. Methods starting with `do` are called by the kernel only; they never
 * retry (the kernel's router owns retries) and report failures as `LoomError`s whose
 * `isRetryable` and `retryAfterMs` tell the router what to do next (the error table in
 * `@loom/core`'s README says which error each upstream failure becomes).
 *
 * Asynchronous methods return a real `Promise` (write them `async`), not just a thenable, so a
 * caller can chain `.catch` and `.finally` on what they return.
 */
export interface ProviderV1 {
  /** Contract version this object implements. */
  readonly specificationVersion: 'v1';
  /** Instance id, unique within a kernel (`openai`, `gpu-box-1`); used in `provider/model`. */
  readonly id: string;
  /** Provider type, reported in telemetry as `gen_ai.provider.name`. */
  readonly type: ProviderType;
  /** Upstream host and port, reported in telemetry as `server.address` / `server.port`. */
  readonly server?: { address: string; port?: number };

  /** Models this provider serves now. */
  doListModels(context: { signal: AbortSignal }): Promise<ModelInfo[]>;
  /** One chat completion. */
  doChat(request: ChatRequest, context: CallContext): Promise<ChatResponse>;
  /**
   * One streamed chat completion. Resolves when the upstream accepted the request (headers
   * received); rejects on errors known before that.
   */
  doStream(request: ChatRequest, context: CallContext): Promise<ProviderStreamResult>;
  /** Embeddings; absent when the provider has none. */
  doEmbed?(request: EmbedRequest, context: CallContext): Promise<EmbedResponse>;
  /**
   * Active health check, polled by the kernel on an interval; absent means health is known only
   * from real traffic.
   *
   * - An unreachable or failing upstream is a result, not an error: `doHealth` resolves with
   *   `status: 'down'` and a `message` an operator can act on (`connect ECONNREFUSED
   *   127.0.0.1:11434: is Ollama running?`, `GET /api/version answered 503`). It never rejects
   *   for upstream failures.
   * - It rejects only when its own `signal` aborted (the kernel's check timeout, or the kernel
   *   stopping), and then with `signal.reason`.
   * - An upstream that has no health endpoint answers `status: 'degraded'` with a message saying
   *   so (health unknown; it routes like `up`, and real traffic and the circuit breaker decide),
   *   or the provider leaves `doHealth` out.
   *
   * The kernel treats a rejection anyway as `down`, with the error's message.
   */
  doHealth?(context: { signal: AbortSignal }): Promise<HealthReport>;
  /** A live load reading; absent when the upstream exposes none. */
  doLoad?(context: { signal: AbortSignal }): Promise<LoadSignal>;
  /** Releases connections and timers. Called once when the kernel stops. */
  close?(): Promise<void>;
}
