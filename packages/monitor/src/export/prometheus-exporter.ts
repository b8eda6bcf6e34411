import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metric } from '@loom/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  ATTR,
  CACHE_LOOKUPS,
  COST,
  OPERATION_DURATION,
  REQUESTS,
  TIME_TO_FIRST_CHUNK,
  TOKEN_USAGE,
} from '../collectors/metric-names.js';
import { findCell, incCell, observeCell, type PromCell } from './prom-cells.js';
import { prometheusLabel, prometheusName } from './prometheus-names.js';

/** Seconds: 0.01 doubling to 81.92, as the GenAI conventions advise. */
const DURATION_BUCKETS = Array.from({ length: 14 }, (_, index) => 0.01 * 2 ** index);
/** Tokens: 1, 4, 16, ... 67108864. */
const TOKEN_BUCKETS = Array.from({ length: 14 }, (_, index) => 4 ** index);

const GEN_AI_LABELS = [
  ATTR.operation,
  ATTR.provider,
  ATTR.requestModel,
  ATTR.errorType,
  'gen_ai.response.model',
  'server.address',
  'server.port',
];
// Labels a metric may carry later than its first point (an error after successes).
const KNOWN_LABELS: Record<string, readonly string[]> = {
  [OPERATION_DURATION]: GEN_AI_LABELS,
  [TIME_TO_FIRST_CHUNK]: GEN_AI_LABELS,
  [TOKEN_USAGE]: [...GEN_AI_LABELS, ATTR.tokenType],
  [REQUESTS]: [...GEN_AI_LABELS, ATTR.outcome, ATTR.cacheResult],
  [CACHE_LOOKUPS]: [ATTR.operation, ATTR.provider, ATTR.requestModel, ATTR.cacheResult],
  [COST]: [ATTR.operation, ATTR.provider, ATTR.requestModel],
};

type PromMetric = Counter<string> | Gauge<string> | Histogram<string>;

/** Prometheus labels of one attributes object, and their prom-client cell once known. */
interface LabelSet {
  labels: Record<string, string | number>;
  cell?: PromCell | undefined;
}

interface Exported {
  metric: PromMetric;
  kind: Metric['kind'];
  labels: ReadonlySet<string>;
  /** Prometheus labels per attributes object (null: a label not declared); see AttributeCache. */
  converted: WeakMap<object, LabelSet | null>;
}

const NO_ATTRIBUTES = {};

/** Options of `createPrometheusExporter`. */
export interface PrometheusExporterOptions {
  /** A registry to add to; default a new one (never the global default registry). */
  registry?: Registry;
  /** Most metric names exported; later names are dropped and counted. Default 1 000. */
  maxMetrics?: number;
}

/**
 * Mirrors Loom metrics into prom-client metrics with Prometheus names
 * (`gen_ai_client_operation_duration_seconds`) and serves the text format.
 */
export class PrometheusExporter {
  readonly registry: Registry;
  private readonly exported = new Map<string, Exported>();
  private readonly maxMetrics: number;
  /** Points not exported: over `maxMetrics`, or a label the metric was not declared with. */
  dropped = 0;

  constructor(options: PrometheusExporterOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.maxMetrics = options.maxMetrics ?? 1_000;
  }

  /** Records one Loom metric. Never throws. */
  record(metric: Metric): void {
    const exported = this.exported.get(metric.name) ?? this.create(metric);
    if (!exported || exported.kind !== metric.kind) {
      this.dropped++;
      return;
    }
    const attributes = metric.attributes ?? NO_ATTRIBUTES;
    let set = exported.converted.get(attributes);
    if (set === undefined) {
      const labels = toLabels(attributes, exported.labels);
      set = labels === null ? null : { labels };
      exported.converted.set(attributes, set);
    }
    if (set === null) {
      this.dropped++;
      return;
    }
    const target = exported.metric;
    if (target instanceof Gauge) {
      target.set(set.labels, metric.value);
      return;
    }
    // A label set seen before updates its prom-client cell directly (see prom-cells.ts).
    if (target instanceof Counter) {
      const value = Math.max(metric.value, 0);
      if (set.cell && incCell(target, set.cell, value)) return;
      target.inc(set.labels, value);
    } else {
      if (set.cell && observeCell(target, set.cell, metric.value)) return;
      target.observe(set.labels, metric.value);
    }
    set.cell = findCell(target, set.labels);
  }

  /** Records many metrics. */
  recordAll(metrics: readonly Metric[]): void {
    for (const metric of metrics) this.record(metric);
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** A `node:http` request handler that answers every request with the exposition. */
  handler(): (request: IncomingMessage, response: ServerResponse) => void {
    return (_request, response) => {
      this.render().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        () =>
          response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
    };
  }

  private create(metric: Metric): Exported | undefined {
    if (this.exported.size >= this.maxMetrics) return undefined;
    const labels = new Set([
      ...(KNOWN_LABELS[metric.name] ?? []),
      ...Object.keys(metric.attributes ?? {}),
    ]);
    const configuration = {
      name: prometheusName(metric.name, metric.unit, metric.kind),
      help: `${metric.name}${metric.unit ? ` (${metric.unit})` : ''}`,
      labelNames: [...labels].map(prometheusLabel),
      registers: [this.registry],
    };
    if (this.registry.getSingleMetric(configuration.name)) return undefined;
    let created: PromMetric;
    if (metric.kind === 'counter') created = new Counter(configuration);
    else if (metric.kind === 'gauge') created = new Gauge(configuration);
    else {
      const buckets =
        metric.unit === 's'
          ? DURATION_BUCKETS
          : metric.unit === '{token}'
            ? TOKEN_BUCKETS
            : undefined;
      created = new Histogram(buckets ? { ...configuration, buckets } : configuration);
    }
    const exported = { metric: created, kind: metric.kind, labels, converted: new WeakMap() };
    this.exported.set(metric.name, exported);
    return exported;
  }
}

/** Prometheus labels for Loom attributes; null when one is not among `declared`. */
function toLabels(
  attributes: Record<string, unknown>,
  declared: ReadonlySet<string>,
): Record<string, string | number> | null {
  const labels: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (!declared.has(name)) return null;
    labels[prometheusLabel(name)] =
      typeof value === 'number' ? value : String(value as string | boolean);
  }
  return labels;
}

/** Creates a Prometheus exporter. */
export function createPrometheusExporter(options?: PrometheusExporterOptions): PrometheusExporter {
  return new PrometheusExporter(options);
}
