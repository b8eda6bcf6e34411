import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { Operation } from '../spec/plugin/v1/kernel-events.js';
import type { AttemptRecord, RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { Deployment } from '../spec/routing/deployment.js';

/** The kernel's `RequestContext`: one per request, also the owner of its abort controller. */
export class KernelRequestContext implements RequestContext {
  readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  readonly attempts: AttemptRecord[] = [];
  readonly narrowedBy: string[] = [];
  private stateMap?: Map<symbol | string, unknown>;

  constructor(
    readonly requestId: string,
    readonly operation: Operation,
    readonly request: ChatRequest | EmbedRequest,
    readonly startedAt: number,
    public candidates: readonly Deployment[],
  ) {}

  // Created on first use: most requests run without plugins that keep per-request state.
  get state(): Map<symbol | string, unknown> {
    if (!this.stateMap) this.stateMap = new Map();
    return this.stateMap;
  }

  narrow(keep: (deployment: Deployment) => boolean, reason: string): void {
    const before = this.candidates.length;
    this.candidates = this.candidates.filter(keep);
    if (this.candidates.length !== before) this.narrowedBy.push(reason);
  }
}
