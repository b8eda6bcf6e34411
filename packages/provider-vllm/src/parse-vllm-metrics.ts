// The package ships no types; the declaration travels with this file to every program that
// type-checks it from source (other workspace packages do).
/// <reference path="./types/parse-prometheus-text-format.d.ts" />
import type { LoadSignal } from '@loom/core';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const RUNNING = 'vllm:num_requests_running';
const WAITING = 'vllm:num_requests_waiting';
const KV_CACHE = 'vllm:kv_cache_usage_perc';
// The name before vLLM 0.10 renamed it; older servers still report only this one.
const KV_CACHE_LEGACY = 'vllm:gpu_cache_usage_perc';
const WANTED = new Set([RUNNING, WAITING, KV_CACHE, KV_CACHE_LEGACY]);

/**
 * Reads vLLM's load gauges from its Prometheus text: requests running and waiting, and KV-cache
 * usage, each summed over its series (one per `model_name`; usage capped at 1). A gauge the
 * server does not report is left out. Throws on text that is not Prometheus format.
 */
export function parseVllmMetrics(text: string, observedAt: number): LoadSignal {
  const sums = new Map<string, number>();
  for (const family of parsePrometheusTextFormat(text)) {
    if (!WANTED.has(family.name)) continue;
    let sum = 0;
    for (const sample of family.metrics) {
      const value = Number(sample.value);
      if (Number.isFinite(value)) sum += value;
    }
    sums.set(family.name, sum);
  }
  const signal: LoadSignal = { observedAt };
  const running = sums.get(RUNNING);
  if (running !== undefined) signal.running = running;
  const waiting = sums.get(WAITING);
  if (waiting !== undefined) signal.waiting = waiting;
  const kvCache = sums.get(KV_CACHE) ?? sums.get(KV_CACHE_LEGACY);
  if (kvCache !== undefined) signal.kvCacheUsage = Math.min(1, Math.max(0, kvCache));
  return signal;
}
