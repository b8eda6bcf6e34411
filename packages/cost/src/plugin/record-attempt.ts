import type {
  JSONValue,
  KernelEvents,
  PluginApi,
  RequestContext,
  RequestMetadata,
  Usage,
} from '@loom/core';
import type { CostRecord } from '../ledger/cost-record.js';
import type { DeploymentPricer } from '../pricing/deployment-pricer.js';
import type { LedgerWriter } from './ledger-writer.js';
import { attemptUsage, type RequestCosts } from './request-costs.js';

type AttemptEvent = KernelEvents['attempt:end'] | KernelEvents['attempt:error'];

/** What `recordAttempt` needs. */
export interface AttemptFacts {
  event: AttemptEvent;
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
  // Assigned, not spread in from `cond ? {} : {...}`: each spread built a throwaway object.
  const requestMetadata = context?.request.metadata;
  if (requestMetadata?.sessionId !== undefined) record.sessionId = requestMetadata.sessionId;
  if (requestMetadata?.user !== undefined) record.user = requestMetadata.user;
  if (requestMetadata?.tags !== undefined) record.tags = { ...requestMetadata.tags };
  record.metadata = metadata;
  return record;
}

/** The `cost:recorded` event of a recorded attempt. */
export function costRecordedEvent(
  event: AttemptEvent,
  record: CostRecord,
  metadata: RequestMetadata | undefined,
): KernelEvents['cost:recorded'] {
  const recorded: KernelEvents['cost:recorded'] = {
    requestId: event.requestId,
    operation: event.operation,
    attempt: event.attempt,
    deployment: event.deployment,
    timestamp: record.time,
    costMicros: record.costMicros,
    unpriced: record.unpriced,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    estimated: record.estimated,
  };
  // Assigned, not spread in: a conditional spread built a throwaway object per attempt.
  if (metadata) recorded.metadata = { ...metadata };
  return recorded;
}

/** What `AttemptRecorder` needs. */
export interface AttemptRecorderOptions {
  api: PluginApi;
  /** The requests in flight, by id. */
  requests: ReadonlyMap<string, RequestCosts>;
  pricer: DeploymentPricer;
  writer: LedgerWriter;
  now: () => number;
}

/**
 * Turns every attempt that consumed tokens into a cost record (failed but billed attempts too):
 * adds its cost to its request, hands the row to the ledger writer, emits `cost:recorded`.
 */
export class AttemptRecorder {
  private readonly api: PluginApi;
  private readonly requests: ReadonlyMap<string, RequestCosts>;
  private readonly pricer: DeploymentPricer;
  private readonly writer: LedgerWriter;
  private readonly now: () => number;

  constructor(options: AttemptRecorderOptions) {
    this.api = options.api;
    this.requests = options.requests;
    this.pricer = options.pricer;
    this.writer = options.writer;
    this.now = options.now;
  }

  /** Records attempts as they end, until the returned function is called. */
  listen(): () => void {
    const { events } = this.api;
    events.on('attempt:end', this.record);
    events.on('attempt:error', this.record);
    return () => {
      events.off('attempt:end', this.record);
      events.off('attempt:error', this.record);
    };
  }

  /** Records one ended attempt; bound, so it is its own listener. */
  readonly record = (event: AttemptEvent): void => {
    const state = this.requests.get(event.requestId);
    const meter = state?.meters?.get(event.deployment.id);
    const usage = state ? attemptUsage(event, state, meter) : event.usage;
    if (state && meter) state.meters?.delete(event.deployment.id);
    if (!usage || usage.inputTokens + usage.outputTokens <= 0) return;
    const record = recordAttempt({
      event,
      usage,
      pricer: this.pricer,
      context: state?.context,
      time: this.now(),
    });
    state?.costs.push({ deployment: event.deployment, costMicros: record.costMicros });
    if (this.writer.take(record, this.requests.size <= 1) && state) state.queuedRows = true;
    this.api.emit(
      'cost:recorded',
      costRecordedEvent(event, record, state?.context.request.metadata),
    );
  };
}
