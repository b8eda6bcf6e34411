import { AbortScope, type AttemptAbortScope } from '../internal/abort-scope.js';
import type { RoutePlan } from '../routing/router.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { Operation } from '../spec/plugin/v1/kernel-events.js';
import type { AttemptRecord, RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { CallAbort, CallContext } from '../spec/provider/v1/call-context.js';
import type { Deployment } from '../spec/routing/deployment.js';

/** The kernel's `RequestContext`, and the owner of the request's cancellation (an AbortScope). */
export class KernelRequestContext extends AbortScope implements RequestContext {
  readonly attempts: AttemptRecord[] = [];
  readonly narrowedBy: string[] = [];
  deadlineAt?: number;
  /** The router's plan for this request, kept for stream continuation. */
  plan?: RoutePlan;
  private stateMap?: Map<symbol | string, unknown>;

  constructor(
    readonly requestId: string,
    readonly operation: Operation,
    readonly request: ChatRequest | EmbedRequest,
    readonly startedAt: number,
    public candidates: readonly Deployment[],
  ) {
    super();
  }

  // Created on first use: most requests run without plugins that keep per-request state.
  get state(): Map<symbol | string, unknown> {
    if (!this.stateMap) this.stateMap = new Map();
    return this.stateMap;
  }

  /** The context handed to a provider for one attempt; its signal is created only if read. */
  callContext(attempt: number, scope: AttemptAbortScope): CallContext {
    return new AttemptCallContext(this.requestId, attempt, scope);
  }

  narrow(keep: (deployment: Deployment) => boolean, reason: string): void {
    const before = this.candidates.length;
    this.candidates = this.candidates.filter(keep);
    if (this.candidates.length !== before) this.narrowedBy.push(reason);
  }
}

class AttemptCallContext implements CallContext {
  constructor(
    readonly requestId: string,
    readonly attempt: number,
    private readonly scope: AttemptAbortScope,
  ) {}

  get signal(): AbortSignal {
    return this.scope.signal;
  }

  get abort(): CallAbort {
    return this.scope;
  }
}
