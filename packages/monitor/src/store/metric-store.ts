import type { DDSketch } from '@datadog/sketches-js';
import { ConfigError, type Metric, type MetricAttributes, type MetricKind } from '@loom/core';
import type {
  GroupedResult,
  MetricQuery,
  QueryResult,
  Resolution,
  SeriesInfo,
} from './query-types.js';
import { createSketch, Ring, type SlotAggregate } from './ring.js';
import { matchesAttributes, seriesKey } from './series-key.js';

/** Options of `createMetricStore`. */
export interface MetricStoreOptions {
  /** Most series kept; a new series beyond it is dropped and counted. Default 10 000. */
  maxSeries?: number;
  /** Slots per resolution. Default 1 s × 300 (5 min), 1 min × 1 440 (24 h), 1 h × 168 (7 days). */
  retention?: Partial<Record<Resolution, number>>;
  /** Clock used to pick a resolution for queries, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** Counters about the store itself. */
export interface MetricStoreStats {
  /** Series held. */
  series: number;
  /** Points accepted. */
  recorded: number;
  /** Points dropped because their series would exceed `maxSeries`. */
  droppedPoints: number;
  /** Distinct series refused because of `maxSeries`. */
  droppedSeries: number;
  /** Bytes held by the ring buffers, sketches excluded. */
  ringBytes: number;
}

const RESOLUTION_MS: Record<Resolution, number> = { '1s': 1_000, '1m': 60_000, '1h': 3_600_000 };
const ORDER: readonly Resolution[] = ['1s', '1m', '1h'];

interface Series extends SeriesInfo {
  rings: Ring[];
}

function emptyResult(resolution: Resolution): QueryResult {
  const nan = Number.NaN;
  return {
    count: 0,
    sum: 0,
    avg: nan,
    min: nan,
    max: nan,
    rate: 0,
    p50: nan,
    p95: nan,
    p99: nan,
    first: nan,
    last: nan,
    resolution,
  };
}

/**
 * An in-memory metric store with bounded memory: each series keeps a ring per resolution, and the
 * number of series is capped. `record` is the hot path: one map lookup and three slot updates.
 */
export class MetricStore {
  private readonly series = new Map<string, Series>();
  private readonly byName = new Map<string, Series[]>();
  private readonly dropped = new Set<string>();
  private readonly maxSeries: number;
  private readonly slots: Record<Resolution, number>;
  private readonly now: () => number;
  private recorded = 0;
  private droppedPoints = 0;

  constructor(options: MetricStoreOptions = {}) {
    this.maxSeries = options.maxSeries ?? 10_000;
    if (!Number.isInteger(this.maxSeries) || this.maxSeries < 1) {
      throw new ConfigError({ path: 'maxSeries', message: 'must be a positive integer.' });
    }
    this.slots = { '1s': 300, '1m': 1_440, '1h': 168, ...options.retention };
    for (const resolution of ORDER) {
      if (!Number.isInteger(this.slots[resolution]) || this.slots[resolution] < 1) {
        throw new ConfigError({
          path: `retention.${resolution}`,
          message: 'must be a positive integer number of slots.',
        });
      }
    }
    this.now = options.now ?? Date.now;
  }

  /** Records one metric. Never throws; a point for a series over the cap is counted and dropped. */
  record(metric: Metric): void {
    const key = seriesKey(metric.name, metric.attributes);
    let series = this.series.get(key);
    if (series === undefined) {
      series = this.create(key, metric);
      if (series === undefined) return;
    }
    const { value, timestamp } = metric;
    const rings = series.rings;
    rings[0]!.add(value, timestamp);
    rings[1]!.add(value, timestamp);
    rings[2]!.add(value, timestamp);
    if (timestamp > series.lastTimestamp) series.lastTimestamp = timestamp;
    this.recorded++;
  }

  /** Records many metrics. */
  recordAll(metrics: readonly Metric[]): void {
    for (const metric of metrics) this.record(metric);
  }

  /** Aggregates every series of `query.name` matching `query.attributes` over [from, to). */
  query(query: MetricQuery): QueryResult {
    const resolution = this.pickResolution(query);
    const matching = this.matching(query.name, query.attributes);
    return this.aggregate(matching, query, resolution);
  }

  /** Like `query`, split by the values of `query.groupBy` attributes. */
  queryGroups(query: MetricQuery & { groupBy: readonly string[] }): GroupedResult[] {
    const resolution = this.pickResolution(query);
    const groups = new Map<string, { attributes: MetricAttributes; series: Series[] }>();
    for (const series of this.matching(query.name, query.attributes)) {
      const attributes: MetricAttributes = {};
      for (const name of query.groupBy) {
        const value = series.attributes?.[name];
        if (value !== undefined) attributes[name] = value;
      }
      const key = seriesKey('', attributes);
      const group = groups.get(key) ?? { attributes, series: [] };
      group.series.push(series);
      groups.set(key, group);
    }
    return [...groups.values()].map((group) => ({
      attributes: group.attributes,
      result: this.aggregate(group.series, query, resolution),
    }));
  }

  /** Every series held, optionally of one name. */
  listSeries(name?: string): SeriesInfo[] {
    const all = name === undefined ? [...this.series.values()] : (this.byName.get(name) ?? []);
    return all.map(({ rings: _rings, ...info }) => info);
  }

  /** Counters about the store. */
  stats(): MetricStoreStats {
    let ringBytes = 0;
    for (const series of this.series.values())
      for (const ring of series.rings) ringBytes += ring.bytes;
    return {
      series: this.series.size,
      recorded: this.recorded,
      droppedPoints: this.droppedPoints,
      droppedSeries: this.dropped.size,
      ringBytes,
    };
  }

  private create(key: string, metric: Metric): Series | undefined {
    if (this.series.size >= this.maxSeries) {
      this.droppedPoints++;
      // Bounded too: past 10x the cap we only count points, not distinct keys.
      if (this.dropped.size < this.maxSeries * 10) this.dropped.add(key);
      return undefined;
    }
    const series: Series = {
      name: metric.name,
      kind: metric.kind,
      lastTimestamp: metric.timestamp,
      rings: ORDER.map(
        (resolution) =>
          new Ring(RESOLUTION_MS[resolution], this.slots[resolution], metric.kind === 'histogram'),
      ),
    };
    if (metric.unit !== undefined) series.unit = metric.unit;
    if (metric.attributes !== undefined) series.attributes = { ...metric.attributes };
    this.series.set(key, series);
    const named = this.byName.get(metric.name) ?? [];
    named.push(series);
    this.byName.set(metric.name, named);
    return series;
  }

  private matching(name: string, attributes: MetricAttributes | undefined): Series[] {
    return (this.byName.get(name) ?? []).filter((series) =>
      matchesAttributes(series.attributes, attributes),
    );
  }

  private pickResolution(query: MetricQuery): Resolution {
    if (query.resolution) return query.resolution;
    const now = Math.max(this.now(), query.to - 1);
    for (const resolution of ORDER) {
      const horizon =
        (Math.floor(now / RESOLUTION_MS[resolution]) - this.slots[resolution] + 1) *
        RESOLUTION_MS[resolution];
      if (query.from >= horizon) return resolution;
    }
    return '1h';
  }

  private aggregate(
    matching: readonly Series[],
    query: MetricQuery,
    resolution: Resolution,
  ): QueryResult {
    const index = ORDER.indexOf(resolution);
    const into: SlotAggregate = { count: 0, sum: 0, min: Infinity, max: -Infinity };
    const sketch: DDSketch = createSketch();
    let counter = true;
    for (const series of matching) {
      series.rings[index]!.collect(query.from, query.to, into, sketch);
      if (series.kind !== 'counter') counter = false;
    }
    if (into.count === 0) return emptyResult(resolution);
    const seconds = Math.max(query.to - query.from, 1) / 1_000;
    const kind: MetricKind = counter ? 'counter' : 'gauge';
    return {
      count: into.count,
      sum: into.sum,
      avg: into.sum / into.count,
      min: into.min,
      max: into.max,
      rate: (kind === 'counter' ? into.sum : into.count) / seconds,
      p50: sketch.getValueAtQuantile(0.5),
      p95: sketch.getValueAtQuantile(0.95),
      p99: sketch.getValueAtQuantile(0.99),
      first: into.first ?? Number.NaN,
      last: into.last ?? Number.NaN,
      resolution,
    };
  }
}

/** Creates an in-memory metric store. */
export function createMetricStore(options?: MetricStoreOptions): MetricStore {
  return new MetricStore(options);
}
