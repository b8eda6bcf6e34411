import { AbortedError } from '../errors/aborted-error.js';
import type { LoomError } from '../errors/loom-error.js';
import { MalformedResponseError } from '../errors/malformed-response-error.js';
import { AbortableWaits, isPromiseLike } from '../internal/abortable.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { ChatStreamPart } from '../spec/chat/chat-stream-part.js';
import type { FinishReason } from '../spec/chat/finish-reason.js';
import type { Usage } from '../spec/shared/usage.js';
import { AttemptTracker } from './attempt-tracker.js';
import type { KernelStream } from './kernel-types.js';
import type { RequestScope } from './request-scope.js';
import type { KernelRuntime } from './runtime.js';

export type PartIterator = AsyncIterator<ChatStreamPart>;

/** Tells the provider's iterator we are done, so it frees the upstream connection. */
export function release(iterator: PartIterator | undefined): void {
  if (!iterator?.return) return;
  Promise.resolve(iterator.return()).catch(() => {});
}

/** A read whose part is not passed on: read again. */
const SKIPPED = Symbol('skipped');

function zeroUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, estimated: true };
}

/**
 * The caller-facing stream after the first chunk. Iterable once. A failure from here on is thrown
 * to the consumer, never a clean end — unless continuation is on: then the answer goes on from
 * another deployment (never while a tool call is in flight: half a call cannot be resumed).
 */
export class CommittedStream implements KernelStream {
  readonly requestId: string;
  readonly attempts;
  private usage?: Usage;
  private finishReason?: FinishReason;
  private cancelled = false;
  private iterated = false;
  private text = '';
  private sawToolCall = false;
  private continuations = 0;
  /** The current attempt's failure, once recorded, so it is not recorded twice. */
  private recorded?: LoomError;
  private readonly unregisterEarlyAbort: () => void;

  constructor(
    private readonly runtime: KernelRuntime,
    private readonly scope: RequestScope,
    private readonly request: ChatRequest,
    private tracker: AttemptTracker,
    /** The current attempt's waits: one abort registration per attempt, not one per chunk. */
    private chunkWaits: AbortableWaits,
    private iterator: PartIterator,
    private readonly first: ChatStreamPart,
  ) {
    this.requestId = scope.context.requestId;
    this.attempts = scope.context.attempts.slice();
    // A stream nobody iterates must still end when aborted (kernel stop, caller abort).
    this.unregisterEarlyAbort = scope.context.onAbort(this.onAbortBeforeRead);
  }

  private readonly onAbortBeforeRead = () => {
    if (this.iterated) return;
    release(this.iterator);
    void this.failWith(this.scope.context.reason);
  };

  get deployment() {
    return this.tracker.deployment;
  }

  cancel(reason?: unknown): void {
    this.cancelled = true;
    this.scope.context.abort(new AbortedError({ cause: reason }));
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatStreamPart> {
    if (this.iterated) throw new Error('A KernelStream can be iterated only once.');
    this.iterated = true;
    return this.parts();
  }

  private async *parts(): AsyncGenerator<ChatStreamPart> {
    const context = this.scope.context;
    this.unregisterEarlyAbort();
    if (context.aborted) throw context.reason;
    let finished = false;
    let failed = false;
    try {
      let part: ChatStreamPart | undefined = this.first;
      while (part) {
        this.observe(part);
        yield part;
        if (part.type === 'finish') {
          finished = true;
          break;
        }
        // Read here rather than in an async `pull()`, which adds a promise and an await per chunk.
        let next: ChatStreamPart | typeof SKIPPED = SKIPPED;
        while (next === SKIPPED) {
          try {
            this.tracker.awaitingChunk();
            next = this.accept(await this.chunkWaits.wait(this.iterator.next()));
          } catch (error) {
            // On from another deployment, or the failure goes to the consumer.
            if (!(await this.continueElsewhere(error))) throw error;
          }
        }
        part = next;
      }
      this.tracker.succeed(this.usage, this.finishReason);
      await this.scope.succeed(
        this.deployment,
        this.usage ?? zeroUsage(),
        undefined,
        this.finishReason,
      );
    } catch (error) {
      failed = true;
      const failure = await this.failWith(error);
      if (!this.cancelled) throw failure;
    } finally {
      if (!finished && !failed) {
        // The consumer stopped iterating early: that is a cancel, and the upstream must stop too.
        this.cancelled = true;
        context.abort(new AbortedError({ cause: 'consumer stopped reading' }));
        await this.failWith(context.reason);
      }
      release(this.iterator);
    }
  }

  /** One read's part to pass on, or `SKIPPED`; a stream without a finish part was cut. */
  private accept(next: IteratorResult<ChatStreamPart>): ChatStreamPart | typeof SKIPPED {
    if (next.done) {
      throw new MalformedResponseError({
        provider: this.tracker.provider.id,
        message: 'the stream ended without a finish part (cut mid-way)',
      });
    }
    this.tracker.chunk();
    // A continuation's own metadata would announce a second response to the consumer.
    if (this.continuations > 0 && next.value.type === 'response-metadata') return SKIPPED;
    return next.value;
  }

  /** Starts a continuation on another deployment; false when that is off or not possible. */
  private async continueElsewhere(error: unknown): Promise<boolean> {
    const context = this.scope.context;
    if (!this.runtime.streamContinuation || this.sawToolCall || context.aborted) return false;
    const failure = this.tracker.fail(error, this.usage);
    this.recorded = failure;
    const plan = context.plan;
    if (!plan || !failure.isRetryable) return false;
    const planned = plan.next({ deployment: this.tracker.deployment, error: failure });
    const next = isPromiseLike(planned) ? await planned : planned;
    const provider = next && this.runtime.providers.get(next.providerId);
    if (!next || !provider) return false;
    release(this.iterator);
    this.tracker = new AttemptTracker(this.runtime, context, next, provider);
    this.chunkWaits = new AbortableWaits(this.tracker.scope);
    this.recorded = undefined;
    const request: ChatRequest = {
      ...this.request,
      model: next.model,
      messages: [...this.request.messages, { role: 'assistant', content: this.text }],
    };
    try {
      const started = provider.doStream(request, this.tracker.callContext);
      const { stream } = await this.chunkWaits.wait(started);
      this.iterator = this.runtime.hooks.wrapStream(context, stream, next)[Symbol.asyncIterator]();
      this.continuations += 1;
      return true;
    } catch (startError) {
      return this.continueElsewhere(startError);
    }
  }

  private async failWith(error: unknown): Promise<LoomError> {
    const failure = this.recorded ?? this.tracker.fail(error, this.usage);
    this.recorded = failure;
    await this.scope.fail(failure, { deployment: this.deployment, usage: this.usage });
    return failure;
  }

  private observe(part: ChatStreamPart): void {
    if (part.type === 'text-delta') {
      // Kept only for a continuation's prefix: without one, a string per chunk for nothing.
      if (this.runtime.streamContinuation) this.text += part.delta;
    } else if (part.type === 'tool-call-delta') this.sawToolCall = true;
    else if (part.type === 'usage') this.usage = part.usage;
    else if (part.type === 'finish') {
      this.finishReason = part.finishReason;
      if (part.usage) this.usage = part.usage;
    }
  }
}
