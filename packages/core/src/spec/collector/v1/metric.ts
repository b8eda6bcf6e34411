/** Attribute values allowed on metrics, as in OpenTelemetry. */
export type MetricAttributes = Record<string, string | number | boolean>;

/** How a metric's values combine over time. */
export type MetricKind = 'gauge' | 'counter' | 'histogram';

/** One measurement. */
export interface Metric {
  /** Dotted name, OpenTelemetry style (`process.memory.rss`, `gen_ai.client.operation.duration`). */
  name: string;
  /** The measured value. */
  value: number;
  /** `gauge` is a level now, `counter` an increment, `histogram` one observation to aggregate. */
  kind: MetricKind;
  /** UCUM unit (`s`, `By`, `{token}`, `1`). */
  unit?: string;
  /** Labels such as provider and model; keep their cardinality bounded. */
  attributes?: MetricAttributes;
  /** When it was measured, epoch milliseconds. */
  timestamp: number;
}
