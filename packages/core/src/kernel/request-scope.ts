import { AbortedError } from '../errors/aborted-error.js';
import type { LoomError } from '../errors/loom-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { FinishReason } from '../spec/chat/finish-reason.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { Operation } from '../spec/plugin/v1/kernel-events.js';
import type { RequestFailure, RequestResult } from '../spec/plugin/v1/request-hooks.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { Usage } from '../spec/shared/usage.js';
import type { CallOptions } from './kernel-types.js';
import { KernelRequestContext } from './request-context.js';
import type { KernelRuntime } from './runtime.js';

/**
 * One request from `request:start` to `request:end`: caller-abort link, deadline, in-flight
 * registration, and exactly one of `succeed` or `fail`, each running its hooks once.
 */
export class RequestScope {
  readonly context: KernelRequestContext;
  private timer?: ReturnType<typeof setTimeout>;
  private callerSignal?: AbortSignal;
  private onCallerAbort?: () => void;
  private leaveCaller?: () => void;
  private settled = false;

  constructor(
    private readonly runtime: KernelRuntime,
    operation: Operation,
    request: ChatRequest | EmbedRequest,
    options: CallOptions | undefined,
    timeoutMs: number | undefined,
  ) {
    const requestId = options?.requestId ?? runtime.generateId();
    this.context = new KernelRequestContext(requestId, operation, request, runtime.now(), []);
    const signal = options?.signal;
    if (signal) {
      this.callerSignal = signal;
      const onAbort = () => this.context.abort(new AbortedError({ cause: signal.reason }));
      if (signal.aborted) onAbort();
      else {
        this.onCallerAbort = onAbort;
        signal.addEventListener('abort', onAbort, { once: true });
      }
    }
    const cancellation = options?.cancellation;
    if (cancellation) {
      const onAbort = (reason: unknown) => {
        if (!this.settled) this.context.abort(new AbortedError({ cause: reason }));
      };
      if (cancellation.aborted) onAbort(cancellation.reason);
      else this.leaveCaller = cancellation.onAbort(onAbort);
    }
    const deadline = options?.timeoutMs ?? timeoutMs;
    if (deadline !== undefined && deadline > 0) {
      this.context.deadlineAt = this.context.startedAt + deadline;
      this.timer = setTimeout(() => {
        this.context.abort(new TimeoutError({ phase: 'deadline', timeoutMs: deadline }));
      }, deadline);
    }
    runtime.inFlight.add(this.context);
    runtime.stats.requests.total += 1;
    if (runtime.events.has('request:start')) {
      runtime.events.emit('request:start', {
        requestId,
        operation,
        timestamp: this.context.startedAt,
        model: request.model,
        metadata: request.metadata as Record<string, unknown> | undefined,
      });
    }
  }

  async succeed(
    deployment: Deployment,
    usage: Usage,
    response?: RequestResult['response'],
    finishReason?: FinishReason,
  ): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    this.runtime.stats.requests.succeeded += 1;
    if (this.runtime.hooks.hasAfter) {
      const result: RequestResult = { deployment, usage, response, finishReason };
      await this.runtime.hooks.afterResponse(this.context, result);
    }
    this.end('success', deployment, usage, undefined);
  }

  async fail(error: LoomError, failure: RequestFailure = {}): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    this.runtime.stats.requests.failed += 1;
    if (this.runtime.hooks.hasOnError)
      await this.runtime.hooks.onError(this.context, error, failure);
    this.end('error', failure.deployment, failure.usage, error);
  }

  private end(
    outcome: 'success' | 'error',
    deployment: RequestResult['deployment'] | undefined,
    usage: RequestResult['usage'] | undefined,
    error: LoomError | undefined,
  ): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.onCallerAbort) this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.leaveCaller?.();
    this.runtime.inFlight.delete(this.context);
    const events = this.runtime.events;
    if (!events.has('request:end')) return;
    const now = this.runtime.now();
    events.emit('request:end', {
      requestId: this.context.requestId,
      operation: this.context.operation,
      timestamp: now,
      model: this.context.request.model,
      outcome,
      durationMs: now - this.context.startedAt,
      attempts: this.context.attempts.length,
      deployment,
      usage,
      error,
    });
  }
}
