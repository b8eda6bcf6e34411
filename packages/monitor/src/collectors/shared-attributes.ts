import type { MetricAttributes } from '@loom/core';

/**
 * Attribute sets reused across requests. A collector that builds a fresh attributes object per
 * point makes the store and the Prometheus exporter rebuild a sorted key and labels for it every
 * time; one frozen object per distinct set lets both find their work done by object identity.
 * Bounded: past `max` distinct sets it starts over (sets are few: operation x deployment x outcome).
 */
export class SharedAttributes {
  private readonly sets = new Map<string, Readonly<MetricAttributes>>();

  constructor(private readonly max = 2_000) {}

  /** The set stored under `key`, made by `build` the first time. */
  get(key: string, build: () => MetricAttributes): MetricAttributes {
    let set = this.sets.get(key);
    if (set === undefined) {
      if (this.sets.size >= this.max) this.sets.clear();
      set = Object.freeze(build());
      this.sets.set(key, set);
    }
    return set as MetricAttributes;
  }

  clear(): void {
    this.sets.clear();
  }
}
