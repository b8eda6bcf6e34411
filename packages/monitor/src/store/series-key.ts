import type { MetricAttributes } from '@loom/core';

// Metrics from one collector usually reuse one attributes object, so its key is computed once.
const keys = new WeakMap<MetricAttributes, string>();

/** A stable key for an attribute set: `a=1,b=x` with sorted names; '' for none. */
export function attributesKey(attributes: MetricAttributes | undefined): string {
  if (attributes === undefined) return '';
  let key = keys.get(attributes);
  if (key === undefined) {
    const names = Object.keys(attributes).sort();
    key = names.map((name) => `${name}=${String(attributes[name])}`).join(',');
    keys.set(attributes, key);
  }
  return key;
}

/** A stable key for a metric name plus attributes: `name{a=1,b=x}` with sorted attribute names. */
export function seriesKey(name: string, attributes: MetricAttributes | undefined): string {
  const suffix = attributesKey(attributes);
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
