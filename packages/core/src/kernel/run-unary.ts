import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import { abortable } from '../internal/abortable.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { ChatResponse } from '../spec/chat/chat-response.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { EmbedResponse } from '../spec/embed/embed-response.js';
import type { CallContext } from '../spec/provider/v1/call-context.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import { AttemptTracker, classify } from './attempt-tracker.js';
import type { KernelChatResponse } from './kernel-types.js';
import type { KernelRequestContext } from './request-context.js';
import type { RequestScope } from './request-scope.js';
import { routeCandidates } from './route-candidates.js';
import type { KernelRuntime } from './runtime.js';

/** How one kind of unary request calls a provider and reads its answer. */
interface UnaryOperation<Q, R> {
  call(
    provider: ProviderV1,
    request: Q,
    context: CallContext,
    runtime: KernelRuntime,
    deployment: Deployment,
  ): PromiseLike<R>;
  succeed(tracker: AttemptTracker, response: R): void;
  filter?(runtime: KernelRuntime, context: KernelRequestContext): void;
}

const chatOperation: UnaryOperation<ChatRequest, ChatResponse> = {
  call: (provider, request, context) => provider.doChat(request, context),
  succeed: (tracker, response) =>
    tracker.succeed(response.usage, response.finishReason, response.model, response.id),
};

const embedOperation: UnaryOperation<EmbedRequest, EmbedResponse> = {
  call: (provider, request, context, runtime, deployment) =>
    runtime.batcher
      ? runtime.batcher.embed(provider, deployment, request)
      : provider.doEmbed!(request, context),
  succeed: (tracker, response) => tracker.succeed(response.usage, undefined, response.model),
  filter(runtime, context) {
    const supports = (d: Deployment) =>
      typeof runtime.providers.get(d.providerId)?.doEmbed === 'function';
    context.narrow(supports, 'no embeddings');
    if (context.candidates.length === 0) {
      throw new UnsupportedOperationError({
        operation: 'embeddings',
        model: context.request.model,
      });
    }
  },
};

/** A request with one answer (chat, embeddings): hooks, the retry loop, and exactly one end. */
async function runUnary<
  Q extends ChatRequest | EmbedRequest,
  R extends ChatResponse | EmbedResponse,
>(
  runtime: KernelRuntime,
  scope: RequestScope,
  request: Q,
  operation: UnaryOperation<Q, R>,
): Promise<{ response: R; deployment: Deployment }> {
  const context = scope.context;
  try {
    context.candidates = runtime.resolver.resolve(request.model);
    operation.filter?.(runtime, context);
    const result = await routeCandidates(runtime, context, async (deployment, provider) => {
      const tracker = new AttemptTracker(runtime, context, deployment, provider);
      try {
        const upstreamRequest = { ...request, model: deployment.model };
        const pending = operation.call(
          provider,
          upstreamRequest,
          tracker.callContext,
          runtime,
          deployment,
        );
        const response = await abortable(pending, tracker.scope);
        operation.succeed(tracker, response);
        return { response, deployment };
      } catch (error) {
        throw tracker.fail(error);
      }
    });
    const response = result.response;
    const finishReason = 'finishReason' in response ? response.finishReason : undefined;
    await scope.succeed(result.deployment, response.usage, response, finishReason);
    return result;
  } catch (error) {
    const failure = classify(error, context);
    await scope.fail(failure, { deployment: context.attempts.at(-1)?.deployment });
    throw failure;
  }
}

/** Runs a chat request through hooks and the retry loop. */
export async function runChat(
  runtime: KernelRuntime,
  scope: RequestScope,
  request: ChatRequest,
): Promise<KernelChatResponse> {
  const { response, deployment } = await runUnary(runtime, scope, request, chatOperation);
  const context = scope.context;
  return {
    ...response,
    loom: { requestId: context.requestId, deployment, attempts: context.attempts.length },
  };
}

/** Runs an embeddings request; deployments whose provider has no `doEmbed` are skipped. */
export async function runEmbed(
  runtime: KernelRuntime,
  scope: RequestScope,
  request: EmbedRequest,
): Promise<EmbedResponse> {
  return (await runUnary(runtime, scope, request, embedOperation)).response;
}
