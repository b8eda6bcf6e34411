import { AbortedError } from '../errors/aborted-error.js';
import { LoomError } from '../errors/loom-error.js';
import { toLoomError } from '../errors/to-loom-error.js';
import type { FinishReason } from '../spec/chat/finish-reason.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { Usage } from '../spec/shared/usage.js';
import type { AttemptTelemetry } from '../telemetry/gen-ai-telemetry.js';
import type { KernelRequestContext } from './request-context.js';
import type { KernelRuntime } from './runtime.js';

/**
 * The bookkeeping of one attempt: events, stats and telemetry at start, first chunk and end, so
 * unary and streamed requests report attempts identically.
 */
export class AttemptTracker {
  readonly number: number;
  readonly startedAt = performance.now();
  private readonly telemetry: AttemptTelemetry | undefined;
  private firstChunkMs?: number;

  constructor(
    private readonly runtime: KernelRuntime,
    private readonly context: KernelRequestContext,
    readonly deployment: Deployment,
    readonly provider: ProviderV1,
  ) {
    this.number = context.attempts.length + 1;
    this.telemetry = runtime.telemetry?.startAttempt(
      context.operation,
      deployment,
      provider,
      this.startedAt,
    );
    if (runtime.events.has('attempt:start')) {
      runtime.events.emit('attempt:start', this.base());
    }
  }

  /** Marks a streamed chunk; the first one emits `attempt:first-chunk`. */
  chunk(): void {
    const now = performance.now();
    this.telemetry?.chunk(now);
    if (this.firstChunkMs !== undefined) return;
    this.firstChunkMs = now - this.startedAt;
    if (this.runtime.events.has('attempt:first-chunk')) {
      this.runtime.events.emit('attempt:first-chunk', {
        ...this.base(),
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
    const durationMs = performance.now() - this.startedAt;
    this.context.attempts.push({ attempt: this.number, deployment: this.deployment, durationMs });
    this.runtime.stats.attemptSucceeded(this.deployment.id, durationMs, usage);
    this.telemetry?.end(usage, responseModel, responseId, finishReason);
    if (this.runtime.events.has('attempt:end')) {
      this.runtime.events.emit('attempt:end', {
        ...this.base(),
        durationMs,
        usage,
        finishReason,
        timeToFirstChunkMs: this.firstChunkMs,
      });
    }
  }

  /** Records a failure; returns it as a `LoomError`, preferring the abort reason when aborted. */
  fail(raw: unknown, usage?: Usage): LoomError {
    const error = classify(raw, this.context, this.provider.id);
    const durationMs = performance.now() - this.startedAt;
    this.context.attempts.push({
      attempt: this.number,
      deployment: this.deployment,
      durationMs,
      error,
    });
    this.runtime.stats.attemptFailed(this.deployment.id, error.code);
    this.telemetry?.fail(error);
    if (this.runtime.events.has('attempt:error')) {
      this.runtime.events.emit('attempt:error', { ...this.base(), durationMs, error, usage });
    }
    return error;
  }

  private base() {
    return {
      requestId: this.context.requestId,
      operation: this.context.operation,
      timestamp: this.runtime.now(),
      attempt: this.number,
      deployment: this.deployment,
    };
  }
}

/** An aborted request fails with why it was aborted, not with whatever the provider threw. */
export function classify(
  raw: unknown,
  context: KernelRequestContext,
  providerId?: string,
): LoomError {
  if (context.aborted) {
    const reason: unknown = context.abortReason;
    return LoomError.isInstance(reason) ? reason : new AbortedError({ cause: reason });
  }
  return toLoomError(raw, providerId);
}
