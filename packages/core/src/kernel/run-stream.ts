import { AbortedError } from '../errors/aborted-error.js';
import type { LoomError } from '../errors/loom-error.js';
import { MalformedResponseError } from '../errors/malformed-response-error.js';
import { abortable } from '../internal/abortable.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { ChatStreamPart } from '../spec/chat/chat-stream-part.js';
import type { FinishReason } from '../spec/chat/finish-reason.js';
import type { Usage } from '../spec/shared/usage.js';
import { AttemptTracker, classify } from './attempt-tracker.js';
import type { KernelStream } from './kernel-types.js';
import type { RequestScope } from './request-scope.js';
import { routeCandidates } from './route-candidates.js';
import type { KernelRuntime } from './runtime.js';

type PartIterator = AsyncIterator<ChatStreamPart>;

/**
 * Runs a streamed chat request. Attempts fail over until one yields its first chunk; from then on
 * the stream is committed, and a failure is thrown to the consumer (never a clean end).
 */
export async function runStream(
  runtime: KernelRuntime,
  scope: RequestScope,
  request: ChatRequest,
): Promise<KernelStream> {
  const context = scope.context;
  try {
    context.candidates = runtime.resolver.resolve(request.model);
    return await routeCandidates(runtime, context, async (deployment, provider) => {
      const tracker = new AttemptTracker(runtime, context, deployment, provider);
      let iterator: PartIterator | undefined;
      try {
        const started = provider.doStream(
          { ...request, model: deployment.model },
          tracker.callContext,
        );
        const { stream } = await abortable(started, tracker.scope);
        iterator = runtime.hooks.wrapStream(context, stream, deployment)[Symbol.asyncIterator]();
        const first = await abortable(iterator.next(), tracker.scope);
        if (first.done) {
          throw new MalformedResponseError({
            provider: provider.id,
            message: 'the stream ended before its first chunk',
          });
        }
        tracker.chunk();
        return new CommittedStream(scope, tracker, iterator, first.value);
      } catch (error) {
        release(iterator);
        throw tracker.fail(error);
      }
    });
  } catch (error) {
    const failure = classify(error, context);
    await scope.fail(failure, { deployment: context.attempts.at(-1)?.deployment });
    throw failure;
  }
}

/** The caller-facing stream after the first chunk. Iterable once. */
class CommittedStream implements KernelStream {
  readonly requestId: string;
  readonly attempts;
  private usage?: Usage;
  private finishReason?: FinishReason;
  private cancelled = false;
  private iterated = false;

  constructor(
    private readonly scope: RequestScope,
    private readonly tracker: AttemptTracker,
    private readonly iterator: PartIterator,
    private readonly first: ChatStreamPart,
  ) {
    this.requestId = scope.context.requestId;
    this.attempts = scope.context.attempts.slice();
    // A stream nobody iterates must still end when aborted (kernel stop, caller abort).
    this.unregisterEarlyAbort = scope.context.onAbort(this.onAbortBeforeRead);
  }

  private readonly unregisterEarlyAbort: () => void;

  private readonly onAbortBeforeRead = () => {
    if (this.iterated) return;
    release(this.iterator);
    void this.failWith(this.scope.context.abortReason);
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
    if (context.aborted) throw context.abortReason;
    let finished = false;
    let failed = false;
    try {
      let part = this.first;
      for (;;) {
        this.observe(part);
        yield part;
        if (part.type === 'finish') {
          finished = true;
          break;
        }
        this.tracker.awaitingChunk();
        const next = await abortable(this.iterator.next(), this.tracker.scope);
        if (next.done) break;
        part = next.value;
        this.tracker.chunk();
      }
      if (!finished) {
        throw new MalformedResponseError({
          provider: this.tracker.provider.id,
          message: 'the stream ended without a finish part (cut mid-way)',
        });
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
        await this.failWith(context.abortReason);
      }
      release(this.iterator);
    }
  }

  private async failWith(error: unknown): Promise<LoomError> {
    const failure = this.tracker.fail(error, this.usage);
    await this.scope.fail(failure, { deployment: this.deployment, usage: this.usage });
    return failure;
  }

  private observe(part: ChatStreamPart): void {
    if (part.type === 'usage') this.usage = part.usage;
    else if (part.type === 'finish') {
      this.finishReason = part.finishReason;
      if (part.usage) this.usage = part.usage;
    }
  }
}

function zeroUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, estimated: true };
}

/** Tells the provider's iterator we are done, so it frees the upstream connection. */
function release(iterator: PartIterator | undefined): void {
  if (!iterator?.return) return;
  Promise.resolve(iterator.return()).catch(() => {});
}
