import type { JSONValue, KernelEvents, RequestContext, Usage } from '@loom/core';
import type { CostRecord } from '../ledger/cost-record.js';
import type { DeploymentPricer } from '../pricing/deployment-pricer.js';

/** What `recordAttempt` needs. */
export interface AttemptFacts {
  event: KernelEvents['attempt:end'] | KernelEvents['attempt:error'];
  usage: Usage;
  pricer: DeploymentPricer;
  context: RequestContext | undefined;
  time: number;
}

/** The cost record of one attempt. Its id is `requestId:attempt`, so a replay is a duplicate. */
export function recordAttempt({ event, usage, pricer, context, time }: AttemptFacts): CostRecord {
  const priced = pricer.attemptCost(event.deployment, usage, time, event.durationMs);
  const metadata: Record<string, JSONValue> = {
    operation: event.operation,
    deployment: event.deployment.id,
  };
  if ('error' in event) metadata.error = event.error.code;
  if ('finishReason' in event && event.finishReason) metadata.finishReason = event.finishReason;
  const record: CostRecord = {
    id: `${event.requestId}:${event.attempt}`,
    time,
    requestId: event.requestId,
    attempt: event.attempt,
    provider: event.deployment.providerId,
    model: event.deployment.model,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? 0,
    reasoningTokens: usage.reasoningTokens ?? 0,
    costMicros: priced.costMicros,
    estimated: usage.estimated,
    unpriced: priced.unpriced,
    type: event.operation === 'embed' ? 'embedding' : 'chat',
  };
  // Optional fields are assigned, in the same key order as before, rather than spread in from
  // `cond ? {} : {...}`: each spread built a throwaway object and took the slow copy path.
  const requestMetadata = context?.request.metadata;
  if (requestMetadata?.sessionId !== undefined) record.sessionId = requestMetadata.sessionId;
  if (requestMetadata?.user !== undefined) record.user = requestMetadata.user;
  if (requestMetadata?.tags !== undefined) record.tags = { ...requestMetadata.tags };
  record.metadata = metadata;
  return record;
}
