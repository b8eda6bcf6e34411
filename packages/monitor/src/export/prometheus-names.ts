// OpenTelemetry-to-Prometheus name conversion, after the OTel Prometheus compatibility spec:
// dots and other invalid characters become `_`, the unit becomes a suffix, counters end in `_total`.

const UNIT_SUFFIXES: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
  USD: 'usd',
  '1': 'ratio',
};

/** A Prometheus-safe label name (`gen_ai.provider.name` becomes `gen_ai_provider_name`). */
export function prometheusLabel(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(safe) ? `_${safe}` : safe;
}

/** A Prometheus metric name for an OTel name, unit and kind. */
export function prometheusName(name: string, unit: string | undefined, kind: string): string {
  let result = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_');
  if (/^[0-9]/.test(result)) result = `_${result}`;
  // Units in braces (`{token}`) are annotations, not units: they add no suffix.
  const suffix =
    unit && !unit.startsWith('{') ? (UNIT_SUFFIXES[unit] ?? prometheusLabel(unit)) : undefined;
  if (
    suffix &&
    !(kind === 'gauge' && suffix === 'ratio' && result.endsWith('utilization')) &&
    !result.endsWith(`_${suffix}`)
  ) {
    result = `${result}_${suffix}`;
  }
  if (kind === 'counter' && !result.endsWith('_total')) result = `${result}_total`;
  return result;
}
