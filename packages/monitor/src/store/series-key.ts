import type { MetricAttributes } from '@loom/core';

// Metrics from one collector usually reuse one attributes object, so its key is computed once.
const keys = new WeakMap<MetricAttributes, string>();

/** A stable key for a metric name plus attributes: `name{a=1,b=x}` with sorted attribute names. */
export function seriesKey(name: string, attributes: MetricAttributes | undefined): string {
  if (attributes === undefined) return name;
  let suffix = keys.get(attributes);
  if (suffix === undefined) {
    const names = Object.keys(attributes).sort();
    suffix = names.map((key) => `${key}=${String(attributes[key])}`).join(',');
    keys.set(attributes, suffix);
  }
  return suffix === '' ? name : `${name}{${suffix}}`;
}

/** True when every attribute in `filter` is present in `attributes` with the same value. */
export function matchesAttributes(
  attributes: MetricAttributes | undefined,
  filter: MetricAttributes | undefined,
): boolean {
  if (filter === undefined) return true;
  for (const [key, value] of Object.entries(filter)) {
    if (attributes?.[key] !== value) return false;
  }
  return true;
}
