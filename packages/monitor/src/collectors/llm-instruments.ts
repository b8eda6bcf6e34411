import type { Metric, MetricAttributes } from '@loom/core';
import * as names from './metric-names.js';

/** What every point of one metric shares: its name, kind and unit. */
export interface Instrument {
  readonly name: string;
  readonly kind: Metric['kind'];
  readonly unit: string;
}

/** The LLM collector's metrics. */
export const instruments = {
  operationDuration: { name: names.OPERATION_DURATION, kind: 'histogram', unit: 's' },
  timeToFirstChunk: { name: names.TIME_TO_FIRST_CHUNK, kind: 'histogram', unit: 's' },
  tokenUsage: { name: names.TOKEN_USAGE, kind: 'histogram', unit: '{token}' },
  outputTokensPerSecond: {
    name: names.OUTPUT_TOKENS_PER_SECOND,
    kind: 'histogram',
    unit: '{token}/s',
  },
  requests: { name: names.REQUESTS, kind: 'counter', unit: '{request}' },
  retries: { name: names.RETRIES, kind: 'counter', unit: '{attempt}' },
  fallbacks: { name: names.FALLBACKS, kind: 'counter', unit: '{request}' },
  errors: { name: names.ERRORS, kind: 'counter', unit: '{error}' },
  cacheLookups: { name: names.CACHE_LOOKUPS, kind: 'counter', unit: '{lookup}' },
  cost: { name: names.COST, kind: 'counter', unit: 'USD' },
  unpricedAttempts: { name: names.UNPRICED_ATTEMPTS, kind: 'counter', unit: '{attempt}' },
  circuitChanges: { name: names.CIRCUIT_CHANGES, kind: 'counter', unit: '{change}' },
} as const satisfies Record<string, Instrument>;

/** One measurement of an instrument. */
export interface Reading {
  value: number;
  attributes: MetricAttributes;
  /** Epoch milliseconds. */
  timestamp: number;
}

/** The metric point of `reading` on `instrument`. */
export function point(instrument: Instrument, reading: Reading): Metric {
  return {
    name: instrument.name,
    kind: instrument.kind,
    value: reading.value,
    unit: instrument.unit,
    attributes: reading.attributes,
    timestamp: reading.timestamp,
  };
}
