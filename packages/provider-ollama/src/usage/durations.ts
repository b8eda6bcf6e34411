import type { JSONObject } from '@loom/core';
import { count, type OllamaChatChunk } from '../chat/ollama-wire.js';

/**
 * A `load_duration` above this means the model was loaded for the request (a cold start). A
 * loaded model reports a few milliseconds; loading from disk takes hundreds at least.
 */
export const COLD_START_THRESHOLD_MS = 100;

/** Nanoseconds (Ollama's unit for every duration) to milliseconds, to the microsecond. */
export function nsToMs(nanoseconds: number): number {
  return Math.round(nanoseconds / 1_000) / 1_000;
}

/**
 * `providerMetadata.ollama` of a final line: durations in milliseconds, whether the model was
 * loaded for this request (`coldStart`), and why generation ended as Ollama put it.
 */
export function ollamaMetadata(final: OllamaChatChunk): JSONObject {
  const metadata: JSONObject = {};
  const durations = {
    totalDurationMs: final.total_duration,
    loadDurationMs: final.load_duration,
    promptEvalDurationMs: final.prompt_eval_duration,
    evalDurationMs: final.eval_duration,
  };
  for (const [key, value] of Object.entries(durations)) {
    const nanoseconds = count(value);
    if (nanoseconds !== undefined) metadata[key] = nsToMs(nanoseconds);
  }
  const load = metadata.loadDurationMs;
  metadata.coldStart = typeof load === 'number' && load > COLD_START_THRESHOLD_MS;
  if (typeof final.done_reason === 'string') metadata.doneReason = final.done_reason;
  return metadata;
}
