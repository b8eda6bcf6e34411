import type { MetricAttributes } from '@loom/core';
import {
  type GroupedRange,
  type MetricStore,
  metricNames,
  type QueryResult,
  type Resolution,
} from '@loom/monitor';
import type { SeriesPoint, StatsResponse } from './api-types.js';

type Series = NonNullable<StatsResponse['series']>;

const RESOLUTION_MS: Record<Resolution, number> = { '1s': 1_000, '1m': 60_000, '1h': 3_600_000 };
/** The store's default retention per resolution (1 s × 300, 1 min × 1 440). */
const RETENTION_MS: Record<Resolution, number> = {
  '1s': 300 * 1_000,
  '1m': 1_440 * 60_000,
  '1h': 168 * 3_600_000,
};
const MAX_POINTS = 1_000;

/** The finest resolution that still covers the whole window, so every point is comparable. */
function resolutionFor(windowMs: number): Resolution {
  if (windowMs <= RETENTION_MS['1s']) return '1s';
  return windowMs <= RETENTION_MS['1m'] ? '1m' : '1h';
}

/** Step and range actually used: the step is whole resolution slots and points are capped. */
export function seriesPlan(windowMs: number, stepMs: number, now: number) {
  const resolution = resolutionFor(windowMs);
  const slot = RESOLUTION_MS[resolution];
  let step = Math.max(slot, Math.round(stepMs / slot) * slot);
  while (windowMs / step > MAX_POINTS) step += slot;
  const end = Math.floor(now / step) * step + step;
  const points = Math.max(1, Math.ceil(windowMs / step));
  return { resolution, step, start: end - points * step, points };
}

function labelOf(attributes: MetricAttributes, keys: readonly string[]): string {
  return keys.map((key) => String(attributes[key] ?? 'unknown')).join('/');
}

/**
 * Per-step series by provider (and model, for cost) from the metric store. Rates are per second
 * and 0 in a step with no data; percentiles are null there.
 */
export function statsSeries(store: MetricStore, windowMs: number, stepMs: number, now: number) {
  const plan = seriesPlan(windowMs, stepMs, now);
  const byProvider = [metricNames.ATTR.provider];
  const byDeployment = [metricNames.ATTR.provider, metricNames.ATTR.requestModel];
  const range = (name: string, groupBy: readonly string[], attributes?: MetricAttributes) =>
    store.queryRangeGroups(
      {
        name,
        from: plan.start,
        to: plan.start + plan.points * plan.step,
        groupBy,
        resolution: plan.resolution,
        ...(attributes ? { attributes } : {}),
      },
      plan.step,
    );
  const collect = (
    groups: GroupedRange[],
    keys: readonly string[],
    value: (result: QueryResult | null) => number | null,
  ) => {
    const out: Record<string, SeriesPoint[]> = {};
    for (const group of groups) {
      const key = labelOf(group.attributes, keys);
      out[key] = group.points.map(([at, result]): SeriesPoint => [at, value(result)]);
    }
    return out;
  };
  const perSecond = (result: QueryResult | null) => (result ? result.sum / (plan.step / 1_000) : 0);
  const ms = (field: 'p50' | 'p95') => (result: QueryResult | null) =>
    result && result.count > 0 && Number.isFinite(result[field]) ? result[field] * 1_000 : null;
  const duration = range(metricNames.OPERATION_DURATION, byProvider);
  const failed = { [metricNames.ATTR.outcome]: 'error' };
  return {
    stepMs: plan.step,
    requestsPerSecond: collect(range(metricNames.REQUESTS, byProvider), byProvider, perSecond),
    errorsPerSecond: collect(
      range(metricNames.REQUESTS, byProvider, failed),
      byProvider,
      perSecond,
    ),
    latencyP50Ms: collect(duration, byProvider, ms('p50')),
    latencyP95Ms: collect(duration, byProvider, ms('p95')),
    ttftP50Ms: collect(range(metricNames.TIME_TO_FIRST_CHUNK, byProvider), byProvider, ms('p50')),
    costMicros: collect(range(metricNames.COST, byDeployment), byDeployment, (result) =>
      result ? Math.round(result.sum * 1e6) : 0,
    ),
  } satisfies Series;
}
