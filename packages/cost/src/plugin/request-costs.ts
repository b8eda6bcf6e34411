import {
  AbortedError,
  type Deployment,
  type KernelEvents,
  type RequestContext,
  type Usage,
} from '@loom/core';
import type { Admission } from '../budgets/budget-manager.js';
import {
  requestCharacters,
  requestItems,
  typicalInputTokens,
  typicalTokens,
} from '../budgets/estimate-tokens.js';
import type { Micros } from '../money/micros.js';

/** What a streamed attempt has produced so far. */
export interface StreamMeter {
  /** Characters of text, reasoning and tool arguments streamed. */
  outputCharacters: number;
  /** Last usage part, when the upstream sent one. */
  usage?: Usage;
}

/** Everything the plugin keeps about one request until it is reconciled. */
export interface RequestCosts {
  context: RequestContext;
  admission?: Admission;
  /** Typical input-token estimate, for streams that never report usage. */
  inputEstimate: number;
  /** Cost of every attempt recorded so far. */
  costs: Array<{ deployment: Deployment; costMicros: Micros }>;
  /** Some of its rows wait in the batch queue (not stored as their attempt ended). */
  queuedRows?: boolean;
  /** Meters of streamed attempts by deployment id; created by the first stream (most are chats). */
  meters?: Map<string, StreamMeter>;
}

/** The costs of a request that is starting: none yet, and its typical input estimate. */
export function openRequestCosts(context: RequestContext): RequestCosts {
  return {
    context,
    inputEstimate: typicalInputTokens(
      requestCharacters(context.request),
      requestItems(context.request),
    ),
    costs: [],
  };
}

/** A fresh meter for a streamed attempt on `deploymentId`, kept until the attempt is recorded. */
export function openStreamMeter(state: RequestCosts, deploymentId: string): StreamMeter {
  const meter: StreamMeter = { outputCharacters: 0 };
  state.meters ??= new Map();
  state.meters.set(deploymentId, meter);
  return meter;
}

/** Usage of a streamed attempt: reported when it was, else estimated from what was streamed. */
export function meteredUsage(state: RequestCosts, meter: StreamMeter): Usage {
  if (meter.usage) return meter.usage;
  const outputTokens = typicalTokens(meter.outputCharacters);
  return {
    inputTokens: state.inputEstimate,
    outputTokens,
    totalTokens: state.inputEstimate + outputTokens,
    estimated: true,
  };
}

/**
 * Usage of an attempt as far as Loom knows it: what the upstream reported; else, for a stream,
 * an estimate from what was streamed; else, for a chat or stream its caller abandoned while the
 * upstream call was under way, the input Loom sent and no output. Loom cannot see whether the
 * upstream billed that input (it often does: the prompt was processed, and a plain chat may
 * run to its end after the disconnect), so the row is kept, flagged estimated: a budget that
 * counts it errs towards the limit rather than past it. Undefined when nothing was consumed.
 */
export function attemptUsage(
  event: KernelEvents['attempt:end'] | KernelEvents['attempt:error'],
  state: RequestCosts,
  meter: StreamMeter | undefined,
): Usage | undefined {
  if (event.usage) return event.usage;
  if (meter && (meter.outputCharacters > 0 || meter.usage)) return meteredUsage(state, meter);
  // The kernel starts an attempt only with the caller still there: an attempt that ended
  // aborted had its request handed to the upstream.
  if ('error' in event && AbortedError.isInstance(event.error) && event.operation !== 'embed') {
    return {
      inputTokens: state.inputEstimate,
      outputTokens: 0,
      totalTokens: state.inputEstimate,
      estimated: true,
    };
  }
  return undefined;
}
