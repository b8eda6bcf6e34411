// parse-prometheus-text-format 1.1.1 ships no types; this covers the part Loom uses.
declare module 'parse-prometheus-text-format' {
  namespace parsePrometheusTextFormat {
    /** One sample: `value` for gauges and counters; buckets or quantiles for the others. */
    interface Sample {
      value?: string;
      labels?: Record<string, string>;
      buckets?: Record<string, string>;
      quantiles?: Record<string, string>;
      count?: string;
      sum?: string;
    }
    /** A metric family, as prom2json prints it. */
    interface MetricFamily {
      name: string;
      help: string;
      type: 'GAUGE' | 'COUNTER' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
      metrics: Sample[];
    }
  }
  /** Parses Prometheus text exposition format; throws on malformed input. */
  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.MetricFamily[];
  export = parsePrometheusTextFormat;
}
