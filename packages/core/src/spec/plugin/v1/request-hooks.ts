import type { ChatRequest } from '../../chat/chat-request.js';
import type { ChatResponse } from '../../chat/chat-response.js';
import type { ChatStreamPart } from '../../chat/chat-stream-part.js';
import type { FinishReason } from '../../chat/finish-reason.js';
import type { EmbedRequest } from '../../embed/embed-request.js';
import type { EmbedResponse } from '../../embed/embed-response.js';
import type { Deployment } from '../../routing/deployment.js';
import type { Usage } from '../../shared/usage.js';
import type { Operation } from './kernel-events.js';
import type { LoomErrorLike } from './loom-error-like.js';

/** One attempt so far. */
export interface AttemptRecord {
  /** Attempt number, from 1. */
  attempt: number;
  /** Where it went. */
  deployment: Deployment;
  /** How long it took, in milliseconds. */
  durationMs: number;
  /** Its error, when it failed. */
  error?: LoomErrorLike;
}

/** A request as hooks see it. One object per request, shared by every hook. */
export interface RequestContext {
  /** Kernel request id. */
  readonly requestId: string;
  /** What kind of request. */
  readonly operation: Operation;
  /** The validated request (model is the caller's alias). Do not mutate. */
  readonly request: Readonly<ChatRequest> | Readonly<EmbedRequest>;
  /** Aborted when the caller goes away, the deadline passes or the kernel stops. */
  readonly signal: AbortSignal;
  /** When the request started, epoch milliseconds. */
  readonly startedAt: number;
  /** When the request's overall deadline passes, epoch milliseconds; undefined when it has none. */
  readonly deadlineAt?: number;
  /** Deployments still allowed to serve, in preference order. */
  readonly candidates: readonly Deployment[];
  /**
   * Keeps only the candidates for which `keep` returns true (admission, budget downgrade,
   * capability filters). `reason` is recorded for routing explanations.
   */
  narrow(keep: (deployment: Deployment) => boolean, reason: string): void;
  /** Why candidates were removed, in order. */
  readonly narrowedBy: readonly string[];
  /** Attempts made so far. */
  readonly attempts: readonly AttemptRecord[];
  /** Per-request scratch space for plugins; key it with a symbol of your own. */
  readonly state: Map<symbol | string, unknown>;
}

/** What a successful request produced. */
export interface RequestResult {
  /** Deployment that served it. */
  deployment: Deployment;
  /** Its usage. */
  usage: Usage;
  /** The response; absent for streams (parts went to the caller). */
  response?: ChatResponse | EmbedResponse;
  /** Why generation ended (chat and stream). */
  finishReason?: FinishReason;
}

/** What a failed request had done before failing. */
export interface RequestFailure {
  /** Deployment of the last attempt, when one was made. */
  deployment?: Deployment;
  /** Usage consumed before the failure (a cut stream), when known. */
  usage?: Usage;
}

/**
 * Request hooks a plugin registers. Each runs once per request in registration order (plugins set
 * up in dependency order). A hook that throws a `LoomError` fails the request with that error; any
 * other throw becomes a `plugin_error`.
 */
export interface RequestHooks {
  /**
   * Admission: before any provider is called. Throw to reject (a budget's 429), or call
   * `context.narrow` to remove candidates.
   */
  beforeRequest?(context: RequestContext): void | PromiseLike<void>;
  /** After a successful request, exactly once (streams: after the finish part). */
  afterResponse?(context: RequestContext, result: RequestResult): void | PromiseLike<void>;
  /** After a failed or aborted request, exactly once. */
  onError?(
    context: RequestContext,
    error: LoomErrorLike,
    failure: RequestFailure,
  ): void | PromiseLike<void>;
  /**
   * Wraps the caller-facing stream of a streamed attempt, to meter or cut it (a budget stopping a
   * runaway stream throws a `LoomError` from the wrapper).
   */
  wrapStream?(
    context: RequestContext,
    stream: AsyncIterable<ChatStreamPart>,
    deployment: Deployment,
  ): AsyncIterable<ChatStreamPart>;
}
