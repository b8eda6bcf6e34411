import type { Alert } from '@loom/core';
import * as names from '../collectors/metric-names.js';
import { SKETCH_RELATIVE_ACCURACY } from '../store/log-sketch.js';
import type { MetricStore } from '../store/metric-store.js';
import type { QueryResult } from '../store/query-types.js';

/** Percentiles of a distribution, in the metric's unit. NaN when there was no data. */
export interface Distribution {
  count: number;
  avg: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One session's activity over the range. */
export interface SessionSummary {
  sessionId: string;
  requests: number;
  tokens: number;
  costUsd?: number;
}

/** A performance report for [from, to). */
export interface PerformanceReport {
  from: number;
  to: number;
  /** Relative error bound of every percentile (DDSketch). */
  relativeError: number;
  /** Attempt latency, seconds. */
  latency: Distribution;
  /** Time to first chunk of streamed attempts, seconds. */
  timeToFirstChunk: Distribution;
  throughput: {
    requests: number;
    requestsPerSecond: number;
    outputTokens: number;
    outputTokensPerSecond: number;
  };
  /** Attempt errors by `error.type`, most frequent first. */
  errors: Array<{ type: string; count: number }>;
  /** Per provider and model. */
  deployments: Array<{ provider: string; model: string; attempts: number; latencyP95: number }>;
  /** Total cost in USD, present only when cost metrics were recorded. */
  costUsd?: number;
  /** Response cache lookups, present only when the kernel has a cache. */
  cache?: { hits: number; misses: number; hitRatio: number };
  /** Busiest sessions by requests. */
  topSessions: SessionSummary[];
  /** Alerts sent in the range. */
  alerts: Alert[];
}

/** Options of `createPerformanceReport`. */
export interface ReportOptions {
  from: number;
  to: number;
  /** Alerts sent, to list those inside the range. */
  alerts?: readonly Alert[];
  /** Sessions listed; default 10. */
  topSessions?: number;
}

function distribution(result: QueryResult): Distribution {
  const { count, avg, min, max, p50, p95, p99 } = result;
  return { count, avg, min, max, p50, p95, p99 };
}

/** Builds a performance report for any time range from the store. */
export function createPerformanceReport(
  store: MetricStore,
  options: ReportOptions,
): PerformanceReport {
  const range = { from: options.from, to: options.to };
  const seconds = Math.max(options.to - options.from, 1) / 1_000;
  const requests = store.query({ ...range, name: names.REQUESTS }).sum;
  const outputTokens = store.query({
    ...range,
    name: names.TOKEN_USAGE,
    attributes: { [names.ATTR.tokenType]: 'output' },
  }).sum;
  const errors = store
    .queryGroups({ ...range, name: names.ERRORS, groupBy: [names.ATTR.errorType] })
    .map((group) => ({
      type: String(group.attributes[names.ATTR.errorType] ?? 'unknown'),
      count: group.result.sum,
    }))
    // A series that exists but saw nothing in the range is not an error of the range.
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count);
  const deployments = store
    .queryGroups({
      ...range,
      name: names.OPERATION_DURATION,
      groupBy: [names.ATTR.provider, names.ATTR.requestModel],
    })
    .map((group) => ({
      provider: String(group.attributes[names.ATTR.provider] ?? ''),
      model: String(group.attributes[names.ATTR.requestModel] ?? ''),
      attempts: group.result.count,
      latencyP95: group.result.p95,
    }))
    .filter((entry) => entry.attempts > 0);
  // `loom.cost` covers every priced attempt; session cost only requests that named a session.
  const attemptCost = store.query({ ...range, name: names.COST });
  const cost =
    attemptCost.count > 0 ? attemptCost : store.query({ ...range, name: names.SESSION_COST });
  const hits = store.query({
    ...range,
    name: names.CACHE_LOOKUPS,
    attributes: { [names.ATTR.cacheResult]: 'hit' },
  });
  const lookups = store.query({ ...range, name: names.CACHE_LOOKUPS });
  const report: PerformanceReport = {
    from: options.from,
    to: options.to,
    relativeError: SKETCH_RELATIVE_ACCURACY,
    latency: distribution(store.query({ ...range, name: names.OPERATION_DURATION })),
    timeToFirstChunk: distribution(store.query({ ...range, name: names.TIME_TO_FIRST_CHUNK })),
    throughput: {
      requests,
      requestsPerSecond: requests / seconds,
      outputTokens,
      outputTokensPerSecond: outputTokens / seconds,
    },
    errors,
    deployments,
    topSessions: topSessions(store, range, options.topSessions ?? 10),
    alerts: (options.alerts ?? []).filter(
      (alert) => alert.timestamp >= options.from && alert.timestamp < options.to,
    ),
  };
  if (cost.count > 0) report.costUsd = cost.sum;
  if (lookups.count > 0) {
    report.cache = {
      hits: hits.sum,
      misses: lookups.sum - hits.sum,
      hitRatio: hits.sum / lookups.sum,
    };
  }
  return report;
}

function topSessions(
  store: MetricStore,
  range: { from: number; to: number },
  limit: number,
): SessionSummary[] {
  const bySession = (name: string) =>
    new Map(
      store
        .queryGroups({ ...range, name, groupBy: [names.ATTR.session] })
        .map(
          (group) => [String(group.attributes[names.ATTR.session] ?? ''), group.result] as const,
        ),
    );
  const tokens = bySession(names.SESSION_TOKENS);
  const costs = bySession(names.SESSION_COST);
  return [...bySession(names.SESSION_REQUESTS)]
    .filter(([sessionId]) => sessionId !== '')
    .map(([sessionId, result]) => {
      const summary: SessionSummary = {
        sessionId,
        requests: result.sum,
        tokens: tokens.get(sessionId)?.sum ?? 0,
      };
      const cost = costs.get(sessionId);
      if (cost) summary.costUsd = cost.sum;
      return summary;
    })
    .sort((a, b) => b.requests - a.requests)
    .slice(0, limit);
}
