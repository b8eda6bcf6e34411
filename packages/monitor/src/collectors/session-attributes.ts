import type { MetricAttributes } from '@loom/core';
import { ATTR } from './metric-names.js';

/** Session attributes from request metadata, or undefined when the request names no session or user. */
export function sessionAttributes(
  metadata: Record<string, unknown> | undefined,
): MetricAttributes | undefined {
  if (!metadata) return undefined;
  const attributes: MetricAttributes = {};
  if (typeof metadata.sessionId === 'string') attributes[ATTR.session] = metadata.sessionId;
  if (typeof metadata.user === 'string') attributes[ATTR.user] = metadata.user;
  const tags = metadata.tags;
  if (tags && typeof tags === 'object') {
    for (const [name, value] of Object.entries(tags)) {
      if (typeof value === 'string') attributes[`loom.tag.${name}`] = value;
    }
  }
  return Object.keys(attributes).length > 0 ? attributes : undefined;
}

/** A map that forgets its oldest entries past `capacity`, so abandoned requests cannot leak. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.capacity) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
