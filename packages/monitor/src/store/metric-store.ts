import { ConfigError, type Metric, type MetricAttributes } from '@loom/core';
import { aggregate, RESOLUTION_MS, RESOLUTIONS } from './aggregate.js';
import { leastRecentlyWritten } from './least-recently-written.js';
import type {
  GroupedRange,
  GroupedResult,
  MetricQuery,
  QueryResult,
  RangePoint,
  Resolution,
  SeriesInfo,
} from './query-types.js';
import { Series } from './series.js';
import { attributesKey, matchesAttributes } from './series-key.js';
import type { StoredSlot } from './slot.js';

/** Options of `createMetricStore`. */
export interface MetricStoreOptions {
  /**
   * Most series kept. A new series past it makes room: the least recently written series (a
   * twentieth of the cap at a time) are dropped and counted, so what is still written stays.
   * Default 10 000.
   */
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
  /** The series cap (`maxSeries`). */
  maxSeries: number;
  /** Points accepted. */
  recorded: number;
  /** Points dropped: the value was not finite. */
  droppedPoints: number;
  /** Series dropped to keep within `maxSeries`: the least recently written. */
  droppedSeries: number;
  /** Estimated bytes held by the series: rings, sketches and bookkeeping. */
  bytes: number;
  /** @deprecated Same as `bytes` (rings now include their sketches). */
  ringBytes: number;
}

/** Most steps one `queryRange` may return. */
export const MAX_RANGE_STEPS = 10_000;

interface NameIndex {
  series: Series[];
  byKey: Map<string, Series>;
  // Collectors reuse attribute objects, so most lookups end here without building a key.
  byObject: WeakMap<MetricAttributes, Series>;
}

/**
 * An in-memory metric store with bounded memory. Each series keeps its current second in plain
 * fields and folds it into a 1 s, a 1 min and a 1 h ring when the next second starts, so `record`
 * costs one lookup and a few arithmetic operations. The number of series is capped.
 */
export class MetricStore {
  private readonly names = new Map<string, NameIndex>();
  private droppedSeries = 0;
  private readonly maxSeries: number;
  private readonly slots: Record<Resolution, number>;
  private readonly now: () => number;
  private seriesCount = 0;
  private recorded = 0;
  private droppedPoints = 0;

  constructor(options: MetricStoreOptions = {}) {
    this.maxSeries = options.maxSeries ?? 10_000;
    if (!Number.isInteger(this.maxSeries) || this.maxSeries < 1) {
      throw new ConfigError({ path: 'maxSeries', message: 'must be a positive integer.' });
    }
    this.slots = { '1s': 300, '1m': 1_440, '1h': 168, ...options.retention };
    for (const resolution of RESOLUTIONS) {
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
    const attributes = metric.attributes;
    const index = this.names.get(metric.name);
    let series = attributes === undefined ? undefined : index?.byObject.get(attributes);
    if (series === undefined || series.dropped) series = this.lookup(metric, index);
    const value = metric.value;
    if (series === undefined || value - value !== 0) {
      if (series !== undefined) this.droppedPoints++;
      return;
    }
    const timestamp = metric.timestamp;
    series.add(value, Math.floor(timestamp / 1_000));
    if (timestamp > series.lastTimestamp) series.lastTimestamp = timestamp;
    this.recorded++;
  }

  /** Records many metrics. */
  recordAll(metrics: readonly Metric[]): void {
    for (const metric of metrics) this.record(metric);
  }

  /** Aggregates every series of `query.name` matching `query.attributes` over [from, to). */
  query(query: MetricQuery): QueryResult {
    return aggregate(this.matching(query), query.from, query.to, this.pickResolution(query));
  }

  /** Like `query`, split by the values of `query.groupBy` attributes. */
  queryGroups(query: MetricQuery & { groupBy: readonly string[] }): GroupedResult[] {
    const resolution = this.pickResolution(query);
    return this.groups(query).map((group) => ({
      attributes: group.attributes,
      result: aggregate(group.series, query.from, query.to, resolution),
    }));
  }

  /**
   * A time series for charts: `query` aggregated per step of `stepMs` from `query.from` up to
   * `query.to`, as `[stepStartMs, result]` pairs, `null` for steps without data. `rate` is per
   * second within each step. Steps finer than the resolution that covers `from` leave gaps.
   */
  queryRange(query: MetricQuery, stepMs: number): RangePoint[] {
    const resolution = this.pickResolution(query);
    return this.steps(this.matching(query), query, stepMs, resolution);
  }

  /** `queryRange` split by the values of `query.groupBy` attributes. */
  queryRangeGroups(
    query: MetricQuery & { groupBy: readonly string[] },
    stepMs: number,
  ): GroupedRange[] {
    const resolution = this.pickResolution(query);
    return this.groups(query).map((group) => ({
      attributes: group.attributes,
      points: this.steps(group.series, query, stepMs, resolution),
    }));
  }

  /** Every series held, optionally of one name. */
  listSeries(name?: string): SeriesInfo[] {
    const indexes = name === undefined ? [...this.names.values()] : [this.names.get(name)];
    return indexes.flatMap((index) => (index?.series ?? []).map(seriesInfo));
  }

  /** Counters about the store. */
  stats(): MetricStoreStats {
    let bytes = 0;
    for (const index of this.names.values()) for (const one of index.series) bytes += one.bytes;
    return {
      series: this.seriesCount,
      maxSeries: this.maxSeries,
      recorded: this.recorded,
      droppedPoints: this.droppedPoints,
      droppedSeries: this.droppedSeries,
      bytes,
      ringBytes: bytes,
    };
  }

  /**
   * For persistence: folds every open second into the rings, then hands over the 1 min and 1 h
   * slots written since the previous call.
   */
  takeChanges(visit: (series: SeriesInfo, resolution: '1m' | '1h', slots: StoredSlot[]) => void) {
    for (const index of this.names.values()) {
      for (const one of index.series) {
        one.close();
        const minutes = one.minutes.takeDirty();
        const hours = one.hours.takeDirty();
        if (minutes.length > 0) visit(seriesInfo(one), '1m', minutes);
        if (hours.length > 0) visit(seriesInfo(one), '1h', hours);
      }
    }
  }

  /** For persistence: merges stored slots back (making room as a new series would). */
  restore(series: SeriesInfo, resolution: '1m' | '1h', slots: readonly StoredSlot[]): boolean {
    const metric = { ...series, value: 0, timestamp: series.lastTimestamp };
    const target = this.lookup(metric, this.names.get(series.name));
    if (!target) return false;
    const ring = resolution === '1m' ? target.minutes : target.hours;
    for (const slot of slots) {
      ring.add(slot.epoch, slot.count, slot.sum, slot.min, slot.max, slot.sketch);
    }
    // Restored slots are already stored; do not write them back on the next flush.
    ring.takeDirty();
    return true;
  }

  private lookup(metric: Metric, index: NameIndex | undefined): Series | undefined {
    const key = attributesKey(metric.attributes);
    let series = index?.byKey.get(key);
    if (series === undefined) {
      if (this.seriesCount >= this.maxSeries) this.dropIdlest();
      series = this.create(metric, key, index);
    }
    if (metric.attributes !== undefined) {
      this.names.get(metric.name)!.byObject.set(metric.attributes, series);
    }
    return series;
  }

  /**
   * Drops the least recently written twentieth of the cap in one pass, so a stream of new series
   * (sessions) pays for a sort once per many series and series still written are kept.
   */
  private dropIdlest(): void {
    const idlest = leastRecentlyWritten(this.names.values(), Math.max(1, this.maxSeries / 20));
    for (const series of idlest) {
      series.dropped = true;
      this.names.get(series.name)?.byKey.delete(series.key);
    }
    for (const index of this.names.values()) {
      if (index.series.some((series) => series.dropped)) {
        index.series = index.series.filter((series) => !series.dropped);
      }
    }
    this.seriesCount -= idlest.length;
    this.droppedSeries += idlest.length;
  }

  private create(metric: Metric, key: string, existing: NameIndex | undefined): Series {
    const series = new Series(key, metric.name, metric.kind, this.slots, metric.timestamp);
    if (metric.unit !== undefined) series.unit = metric.unit;
    if (metric.attributes !== undefined) series.attributes = { ...metric.attributes };
    const index: NameIndex = existing ?? { series: [], byKey: new Map(), byObject: new WeakMap() };
    if (!existing) this.names.set(metric.name, index);
    index.series.push(series);
    index.byKey.set(key, series);
    this.seriesCount++;
    return series;
  }

  private matching(query: MetricQuery): Series[] {
    return (this.names.get(query.name)?.series ?? []).filter((series) =>
      matchesAttributes(series.attributes, query.attributes),
    );
  }

  private groups(query: MetricQuery & { groupBy: readonly string[] }) {
    const groups = new Map<string, { attributes: MetricAttributes; series: Series[] }>();
    for (const series of this.matching(query)) {
      const attributes: MetricAttributes = {};
      for (const name of query.groupBy) {
        const value = series.attributes?.[name];
        if (value !== undefined) attributes[name] = value;
      }
      const key = attributesKey(attributes);
      const group = groups.get(key) ?? { attributes, series: [] };
      group.series.push(series);
      groups.set(key, group);
    }
    return [...groups.values()];
  }

  private steps(
    series: readonly Series[],
    query: MetricQuery,
    stepMs: number,
    resolution: Resolution,
  ): RangePoint[] {
    if (!Number.isFinite(stepMs) || stepMs < 1) {
      throw new ConfigError({ path: 'stepMs', message: 'must be a positive number of ms.' });
    }
    const count = Math.ceil((query.to - query.from) / stepMs);
    if (count > MAX_RANGE_STEPS) {
      throw new ConfigError({
        path: 'stepMs',
        message: `${stepMs} ms over ${query.to - query.from} ms makes ${count} steps; at most ${MAX_RANGE_STEPS}.`,
      });
    }
    const points: RangePoint[] = [];
    for (let start = query.from; start < query.to; start += stepMs) {
      const result = aggregate(series, start, Math.min(start + stepMs, query.to), resolution);
      points.push([start, result.count === 0 ? null : result]);
    }
    return points;
  }

  /**
   * The finest resolution whose history still covers `from` (`1s` for the last 5 minutes by
   * default, then `1m`, then `1h`): what a query over [from, to) reads.
   */
  resolutionFor(range: { from: number; to: number }): Resolution {
    return this.pickResolution({ name: '', ...range });
  }

  private pickResolution(query: MetricQuery): Resolution {
    if (query.resolution) return query.resolution;
    const now = Math.max(this.now(), query.to - 1);
    for (const resolution of RESOLUTIONS) {
      const slotMs = RESOLUTION_MS[resolution];
      const horizon = (Math.floor(now / slotMs) - this.slots[resolution] + 1) * slotMs;
      if (query.from >= horizon) return resolution;
    }
    return '1h';
  }
}

function seriesInfo(series: Series): SeriesInfo {
  const info: SeriesInfo = {
    name: series.name,
    kind: series.kind,
    lastTimestamp: series.lastTimestamp,
  };
  if (series.unit !== undefined) info.unit = series.unit;
  if (series.attributes !== undefined) info.attributes = series.attributes;
  return info;
}

/** Creates an in-memory metric store. */
export function createMetricStore(options?: MetricStoreOptions): MetricStore {
  return new MetricStore(options);
}
