import type {
  CollectorContext,
  KernelEvents,
  Metric,
  MetricAttributes,
  MetricCollectorV1,
} from '@loom/core';
import {
  ATTR,
  SESSION_COST,
  SESSION_LAST_ACTIVITY,
  SESSION_REQUESTS,
  SESSION_TOKENS,
} from './metric-names.js';
import { BoundedMap, sessionAttributes } from './session-attributes.js';
import { subscribe, type Unsubscribe } from './subscribe.js';

/** What the session collector reads from a cost event. */
export interface CostEventPayload {
  /** The request the cost belongs to. */
  requestId?: string;
  /** Cost in integer micro-dollars (preferred). */
  costMicros?: number;
  /** Cost in USD. */
  costUsd?: number;
  /** When, epoch ms. */
  timestamp?: number;
  /** The request's metadata (session, user, tags); `cost:recorded` carries it. */
  metadata?: Record<string, unknown>;
  /** True when no price was known: the cost is unknown and not recorded. */
  unpriced?: boolean;
}

/** Options of `createSessionCollector`. */
export interface SessionCollectorOptions {
  /** Collector name; default `session`. */
  name?: string;
  /**
   * Event carrying an attempt's cost, read as `CostEventPayload`. Default `'cost:recorded'`, which
   * `@loom/cost` emits for every priced attempt; `false` records no session cost.
   */
  costEvent?: string | false;
  /** Requests remembered for cost attribution; default 10 000. */
  maxTrackedRequests?: number;
}

/**
 * Requests, tokens, cost and last activity per session id, user and tag, from request metadata.
 * Requests with no metadata are not counted. Cardinality is bounded by the metric store's cap.
 */
export function createSessionCollector(options: SessionCollectorOptions = {}): MetricCollectorV1 {
  let context: CollectorContext | undefined;
  let unsubscribe: Unsubscribe | undefined;
  const sessions = new BoundedMap<string, MetricAttributes>(options.maxTrackedRequests ?? 10_000);
  const emit = (metrics: Metric[]) => context?.emit(metrics);

  const onStart = (event: KernelEvents['request:start']) => {
    const attributes = sessionAttributes(event.metadata);
    if (!attributes) return;
    sessions.set(event.requestId, attributes);
    emit([
      {
        name: SESSION_REQUESTS,
        kind: 'counter',
        value: 1,
        unit: '{request}',
        attributes,
        timestamp: event.timestamp,
      },
      {
        name: SESSION_LAST_ACTIVITY,
        kind: 'gauge',
        value: event.timestamp / 1_000,
        unit: 's',
        attributes,
        timestamp: event.timestamp,
      },
    ]);
  };
  const onEnd = (event: KernelEvents['request:end']) => {
    const attributes = sessions.get(event.requestId);
    if (!attributes || !event.usage) return;
    const at = event.timestamp;
    emit([
      {
        name: SESSION_TOKENS,
        kind: 'counter',
        value: event.usage.inputTokens,
        unit: '{token}',
        attributes: { ...attributes, [ATTR.tokenType]: 'input' },
        timestamp: at,
      },
      {
        name: SESSION_TOKENS,
        kind: 'counter',
        value: event.usage.outputTokens,
        unit: '{token}',
        attributes: { ...attributes, [ATTR.tokenType]: 'output' },
        timestamp: at,
      },
    ]);
  };
  const onCost = (payload: CostEventPayload) => {
    if (payload.unpriced === true) return;
    const attributes =
      sessionAttributes(payload.metadata) ??
      (payload.requestId === undefined ? undefined : sessions.get(payload.requestId));
    const usd = payload.costMicros !== undefined ? payload.costMicros / 1e6 : payload.costUsd;
    if (!attributes || usd === undefined || !Number.isFinite(usd) || !context) return;
    emit([
      {
        name: SESSION_COST,
        kind: 'counter',
        value: usd,
        unit: 'USD',
        attributes,
        timestamp: payload.timestamp ?? context.now(),
      },
    ]);
  };

  return {
    specificationVersion: 'v1',
    name: options.name ?? 'session',
    start(collectorContext) {
      context = collectorContext;
      const removeKernel = subscribe(collectorContext.events, {
        'request:start': onStart,
        'request:end': onEnd,
      });
      // A cost event is not one of core's typed events: it belongs to whichever plugin emits it.
      const events = collectorContext.events as unknown as {
        on(event: string, listener: (payload: CostEventPayload) => void): unknown;
        off(event: string, listener: (payload: CostEventPayload) => void): unknown;
      };
      const costEvent = options.costEvent ?? 'cost:recorded';
      if (costEvent) events.on(costEvent, onCost);
      unsubscribe = () => {
        removeKernel();
        if (costEvent) events.off(costEvent, onCost);
      };
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      context = undefined;
      sessions.clear();
    },
  };
}
