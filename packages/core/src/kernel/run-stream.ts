import { MalformedResponseError } from '../errors/malformed-response-error.js';
import { AbortableWaits } from '../internal/abortable.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import { AttemptTracker, classify } from './attempt-tracker.js';
import { CommittedStream, type PartIterator, release } from './committed-stream.js';
import type { KernelStream } from './kernel-types.js';
import type { RequestScope } from './request-scope.js';
import { routeCandidates } from './route-candidates.js';
import type { KernelRuntime } from './runtime.js';

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
      // One abort registration for the attempt's waits, kept by the stream for its chunks.
      const waits = new AbortableWaits(tracker.scope);
      let iterator: PartIterator | undefined;
      try {
        const started = provider.doStream(
          { ...request, model: deployment.model },
          tracker.callContext,
        );
        const { stream } = await waits.wait(started);
        iterator = runtime.hooks.wrapStream(context, stream, deployment)[Symbol.asyncIterator]();
        const first = await waits.wait(iterator.next());
        if (first.done) {
          throw new MalformedResponseError({
            provider: provider.id,
            message: 'the stream ended before its first chunk',
          });
        }
        tracker.chunk();
        return new CommittedStream(runtime, scope, request, tracker, waits, iterator, first.value);
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
