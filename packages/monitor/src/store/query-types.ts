import type { MetricAttributes, MetricKind } from '@loom/core';

/** A resolution the store keeps. */
export type Resolution = '1s' | '1m' | '1h';

/** A time-range query. Ranges are [from, to) in epoch milliseconds. */
export interface MetricQuery {
  /** Metric name (`gen_ai.client.operation.duration`). */
  name: string;
  /** Start, inclusive, epoch ms. */
  from: number;
  /** End, exclusive, epoch ms. */
  to: number;
  /** Only series whose attributes include all of these. */
  attributes?: MetricAttributes;
  /** Force a resolution; default: the finest one whose retention covers `from`. */
  resolution?: Resolution;
  /** Split the result per series (by attribute set) instead of merging every match. */
  groupBy?: readonly string[];
}

/** Aggregates of one query (or one group of it). Empty ranges give count 0 and NaN statistics. */
export interface QueryResult {
  /** Number of values recorded. */
  count: number;
  /** Sum of the values. */
  sum: number;
  /** Mean value. */
  avg: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Per second: the sum for counters, the number of values for gauges and histograms. */
  rate: number;
  /** Median, from merged log-bucket sketches (1 % relative error). */
  p50: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** Mean of the first and last slot in range, for rate-of-change rules. */
  first: number;
  /** See `first`. */
  last: number;
  /** Resolution the answer came from. */
  resolution: Resolution;
}

/** A grouped answer: one result per distinct value set of the `groupBy` attributes. */
export interface GroupedResult {
  /** The group's attribute values. */
  attributes: MetricAttributes;
  /** The group's aggregates. */
  result: QueryResult;
}

/** One step of `queryRange`: its start (epoch ms) and aggregates, null when it had no data. */
export type RangePoint = [stepStartMs: number, result: QueryResult | null];

/** One group of `queryRangeGroups`: the group's attribute values and its time series. */
export interface GroupedRange {
  /** The group's attribute values. */
  attributes: MetricAttributes;
  /** `[stepStartMs, result]` per step. */
  points: RangePoint[];
}

/** What the store knows about one series. */
export interface SeriesInfo {
  /** Metric name. */
  name: string;
  /** How values combine. */
  kind: MetricKind;
  /** UCUM unit. */
  unit?: string;
  /** Attributes. */
  attributes?: MetricAttributes;
  /** Newest timestamp recorded, epoch ms. */
  lastTimestamp: number;
}
