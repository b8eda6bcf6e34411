import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import { abortable } from '../internal/abortable.js';
import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { EmbedResponse } from '../spec/embed/embed-response.js';
import type { CallContext } from '../spec/provider/v1/call-context.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { Usage } from '../spec/shared/usage.js';
import { type AttemptSuccess, AttemptTracker, classify } from './attempt-tracker.js';
import type { KernelChatResponse } from './kernel-types.js';
import type { RequestScope } from './request-scope.js';
import { routeCandidates } from './route-candidates.js';
import type { KernelRuntime } from './runtime.js';

type Call<Q, R> = (provider: ProviderV1, request: Q, context: CallContext) => PromiseLike<R>;

/** A request with one answer (chat, embeddings): hooks, the retry loop, and exactly one end. */
async function runUnary<Q extends ChatRequest | EmbedRequest, R extends { usage: Usage }>(
  runtime: KernelRuntime,
  scope: RequestScope,
  request: Q,
  call: Call<Q, R>,
  describe: (response: R) => AttemptSuccess,
  filter?: (context: RequestScope['context']) => void,
): Promise<{ response: R; deployment: Deployment }> {
  const context = scope.context;
  try {
    context.candidates = runtime.resolver.resolve(request.model);
    filter?.(context);
    const result = await routeCandidates(runtime, context, async (deployment, provider) => {
      const tracker = new AttemptTracker(runtime, context, deployment, provider);
      try {
        const attemptContext = {
          signal: context.signal,
          requestId: context.requestId,
          attempt: tracker.number,
        };
        const pending = call(provider, { ...request, model: deployment.model }, attemptContext);
        const response = await abortable(pending, context.signal);
        tracker.succeed(describe(response));
        return { response, deployment };
      } catch (error) {
        throw tracker.fail(error);
      }
    });
    const outcome = describe(result.response);
    await scope.succeed({
      deployment: result.deployment,
      usage: result.response.usage,
      response: result.response as never,
      finishReason: outcome.finishReason,
    });
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
  const { response, deployment } = await runUnary(
    runtime,
    scope,
    request,
    (provider, upstreamRequest, context) => provider.doChat(upstreamRequest, context),
    (response) => ({
      usage: response.usage,
      finishReason: response.finishReason,
      responseModel: response.model,
      responseId: response.id,
    }),
  );
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
  const { response } = await runUnary(
    runtime,
    scope,
    request,
    (provider, upstreamRequest, context) => provider.doEmbed!(upstreamRequest, context),
    (response) => ({ usage: response.usage, responseModel: response.model }),
    (context) => {
      context.narrow(
        (d) => typeof runtime.providers.get(d.providerId)?.doEmbed === 'function',
        'no embeddings',
      );
      if (context.candidates.length === 0) {
        throw new UnsupportedOperationError({ operation: 'embeddings', model: request.model });
      }
    },
  );
  return response;
}
