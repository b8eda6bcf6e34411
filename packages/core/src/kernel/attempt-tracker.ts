import type { Cancellation } from '../cancel/cancellation.js';
import { AbortedError } from '../errors/aborted-error.js';
import { LoomError } from '../errors/loom-error.js';
import { TimeoutError, type TimeoutPhase } from '../errors/timeout-error.js';
import { toLoomError } from '../errors/to-loom-error.js';
import type { FinishReason } from '../spec/chat/finish-reason.js';
import type { CallContext } from '../spec/provider/v1/call-context.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { Usage } from '../spec/shared/usage.js';
import type { AttemptTelemetry } from '../telemetry/gen-ai-telemetry.js';
import { AttemptCancellation } from './attempt-cancellation.js';
import type { KernelRequestContext } from './request-context.js';
import type { KernelRuntime } from './runtime.js';

/**
 * One attempt: its cancellation scope and timers, and its bookkeeping (events, stats, telemetry,
 * router feedback) at start, first chunk and end, so unary and streamed requests report alike.
 * Each event payload is one object literal, built only when someone listens: spreading a shared
 * base object allocated two objects per event, the copy with a separate property store.
 */
export class AttemptTracker {
  readonly number: number;
  readonly startedAt = performance.now();
  readonly scope: AttemptCancellation;
  readonly callContext: CallContext;
  private readonly telemetry: AttemptTelemetry | undefined;
  private firstChunkMs?: number;

  constructor(
    private readonly runtime: KernelRuntime,
    private readonly context: KernelRequestContext,
    readonly deployment: Deployment,
    readonly provider: ProviderV1,
  ) {
    this.number = context.attempts.length + 1;
    this.scope = new AttemptCancellation(context);
    this.callContext = context.callContext(this.number, this.scope);
    const timeouts = runtime.timeouts;
    if (context.operation === 'stream') {
      this.arm('first-chunk', timeouts.firstChunkMs ?? timeouts.attemptMs);
    } else {
      this.arm('attempt', timeouts.attemptMs);
    }
    this.telemetry = runtime.telemetry?.startAttempt(
      context.operation,
      deployment,
      provider,
      this.startedAt,
    );
    runtime.router.onAttemptStart?.(deployment);
    if (runtime.events.has('attempt:start')) {
      runtime.events.emit('attempt:start', {
        requestId: context.requestId,
        operation: context.operation,
        timestamp: runtime.now(),
        attempt: this.number,
        deployment,
      });
    }
  }

  /**
   * The stream is about to wait for its next chunk: the idle (stall) timer runs only while
   * waiting on the upstream, never while a slow consumer holds the stream.
   */
  awaitingChunk(): void {
    this.arm('idle', this.runtime.timeouts.idleMs);
  }

  /** Marks a streamed chunk; the first one emits `attempt:first-chunk`. */
  chunk(): void {
    this.scope.arm(undefined, noReason);
    if (this.firstChunkMs !== undefined) {
      if (this.telemetry) this.telemetry.chunk(performance.now());
      return;
    }
    const now = performance.now();
    this.telemetry?.chunk(now);
    this.firstChunkMs = now - this.startedAt;
    this.runtime.router.onFirstChunk?.(this.deployment, this.firstChunkMs);
    if (this.runtime.events.has('attempt:first-chunk')) {
      this.runtime.events.emit('attempt:first-chunk', {
        requestId: this.context.requestId,
        operation: this.context.operation,
        timestamp: this.runtime.now(),
        attempt: this.number,
        deployment: this.deployment,
        timeToFirstChunkMs: this.firstChunkMs,
      });
    }
  }

  succeed(
    usage?: Usage,
    finishReason?: FinishReason,
    responseModel?: string,
    responseId?: string,
  ): void {
    this.scope.dispose();
    const durationMs = performance.now() - this.startedAt;
    this.context.attempts.push({ attempt: this.number, deployment: this.deployment, durationMs });
    this.runtime.stats.attemptSucceeded(this.deployment.id, durationMs, usage);
    this.runtime.health.trafficSucceeded(this.deployment.providerId);
    this.runtime.router.onAttemptEnd?.(this.deployment, {
      ok: true,
      durationMs,
      timeToFirstChunkMs: this.firstChunkMs,
    });
    this.telemetry?.end(usage, responseModel, responseId, finishReason);
    if (this.runtime.events.has('attempt:end')) {
      this.runtime.events.emit('attempt:end', {
        requestId: this.context.requestId,
        operation: this.context.operation,
        timestamp: this.runtime.now(),
        attempt: this.number,
        deployment: this.deployment,
        durationMs,
        usage,
        finishReason,
        timeToFirstChunkMs: this.firstChunkMs,
      });
    }
  }

  /** Records a failure; returns it as a `LoomError`, preferring the abort reason when aborted. */
  fail(raw: unknown, usage?: Usage): LoomError {
    this.scope.dispose();
    const error = classify(raw, this.scope, this.provider.id);
    const durationMs = performance.now() - this.startedAt;
    this.context.attempts.push({
      attempt: this.number,
      deployment: this.deployment,
      durationMs,
      error,
    });
    this.runtime.stats.attemptFailed(this.deployment.id, error.code);
    // The caller going away says nothing about the deployment's health.
    if (!this.context.aborted) {
      this.runtime.router.onAttemptEnd?.(this.deployment, { ok: false, durationMs, error });
    } else {
      this.runtime.router.onAttemptEnd?.(this.deployment, { ok: 'cancelled', durationMs });
    }
    this.telemetry?.fail(error);
    if (this.runtime.events.has('attempt:error')) {
      this.runtime.events.emit('attempt:error', {
        requestId: this.context.requestId,
        operation: this.context.operation,
        timestamp: this.runtime.now(),
        attempt: this.number,
        deployment: this.deployment,
        durationMs,
        error,
        usage,
      });
    }
    return error;
  }

  private arm(phase: TimeoutPhase, timeoutMs: number | undefined): void {
    if (timeoutMs === undefined) return;
    const provider = this.provider.id;
    this.scope.arm(timeoutMs, () => new TimeoutError({ phase, timeoutMs, provider }));
  }
}

const noReason = () => undefined;

/** An aborted scope fails with why it was aborted, not with whatever the provider threw. */
export function classify(raw: unknown, scope: Cancellation, providerId?: string): LoomError {
  if (scope.aborted) {
    const reason: unknown = scope.reason;
    return LoomError.isInstance(reason) ? reason : new AbortedError({ cause: reason });
  }
  return toLoomError(raw, providerId);
}
