import { Cancellation } from '../cancel/cancellation.js';
import type { RoutePlan } from '../routing/router.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { Operation } from '../spec/plugin/v1/kernel-events.js';
import type { AttemptRecord, RequestContext } from '../spec/plugin/v1/request-hooks.js';
import type { CallContext } from '../spec/provider/v1/call-context.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { AttemptCancellation } from './attempt-cancellation.js';

/** The kernel's `RequestContext`, and the request's cancellation (its `signal` is made if read). */
export class KernelRequestContext extends Cancellation implements RequestContext {
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
  callContext(attempt: number, cancellation: AttemptCancellation): CallContext {
    return new KernelCallContext(this.requestId, attempt, cancellation);
  }

  narrow(keep: (deployment: Deployment) => boolean, reason: string): void {
    const before = this.candidates.length;
    this.candidates = this.candidates.filter(keep);
    if (this.candidates.length !== before) this.narrowedBy.push(reason);
  }
}

class KernelCallContext implements CallContext {
  constructor(
    readonly requestId: string,
    readonly attempt: number,
    readonly cancellation: Cancellation,
  ) {}

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }
}

/**
 * The `Cancellation` behind a call context the kernel made, for HTTP clients that can listen to
 * it without an `AbortSignal` (undici can); undefined for any other context, whose `signal` is
 * then the way. Not part of the provider contract: a provider needs only `signal`.
 */
export function cancellationOf(context: CallContext): Cancellation | undefined {
  return context instanceof KernelCallContext ? context.cancellation : undefined;
}
