import { AllProvidersFailedError } from '../errors/all-providers-failed-error.js';
import type { LoomError } from '../errors/loom-error.js';
import { NoHealthyProviderError } from '../errors/no-healthy-provider-error.js';
import { isPromiseLike } from '../internal/abortable.js';
import type { AttemptFailure } from '../routing/router.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { KernelRequestContext } from './request-context.js';
import type { KernelRuntime } from './runtime.js';

/**
 * The one retry loop: asks the router for a deployment, runs `attempt` on it, and on failure
 * asks again with the failure, until an attempt succeeds or the router gives up.
 */
export async function routeCandidates<T>(
  runtime: KernelRuntime,
  context: KernelRequestContext,
  attempt: (deployment: Deployment, provider: ProviderV1) => Promise<T>,
): Promise<T> {
  if (runtime.hooks.hasBefore) await runtime.hooks.beforeRequest(context);
  if (context.candidates.length === 0) {
    throw new NoHealthyProviderError({ model: context.request.model, reasons: context.narrowedBy });
  }
  const plan = runtime.router.plan(context);
  context.plan = plan;
  let failure: AttemptFailure | undefined;
  for (;;) {
    const next = plan.next(failure);
    const deployment = isPromiseLike(next) ? await next : next;
    if (!deployment) break;
    if (context.aborted) throw context.reason;
    const provider = runtime.providers.get(deployment.providerId);
    if (!provider) continue;
    try {
      return await attempt(deployment, provider);
    } catch (error) {
      if (context.aborted) throw error;
      failure = { deployment, error: error as LoomError };
    }
  }
  throw finalError(context);
}

/**
 * One attempt's own error when it was the only one or could not be retried (a 400 passes through
 * unchanged); otherwise every attempt, listed.
 */
function finalError(context: KernelRequestContext): LoomError {
  const attempts = context.attempts;
  const last = attempts.at(-1)?.error as LoomError | undefined;
  if (!last)
    return new NoHealthyProviderError({
      model: context.request.model,
      reasons: context.narrowedBy,
    });
  if (attempts.length === 1 || !last.isRetryable) return last;
  return new AllProvidersFailedError({ model: context.request.model, attempts });
}
