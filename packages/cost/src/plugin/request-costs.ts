import type { Deployment, RequestContext, Usage } from '@loom/core';
import type { Admission } from '../budgets/budget-manager.js';
import { typicalTokens } from '../budgets/estimate-tokens.js';
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
