import type { TimeoutPhase } from '@loom/core';
import type { FirstByteLimit } from './http/ollama-client.js';
import type { ModelState } from './models/model-state.js';

/** What the limit depends on. */
export interface FirstTokenLimitOptions {
  state: ModelState;
  headersTimeoutMs: number;
  coldStartTimeoutMs: number;
}

/**
 * The limit for the first token of `model`: `coldStartTimeoutMs` when the last `/api/ps` reading
 * (and the answers since) say the model is not loaded, so the wait covers loading it from disk;
 * `headersTimeoutMs` when it is loaded or nothing is known yet. It is decided before the request:
 * once sent, Ollama lists a model in `/api/ps` while it is still loading, so asking then cannot
 * tell a load from a hang.
 */
export function firstTokenLimit(
  options: FirstTokenLimitOptions,
  model: string,
  phase: TimeoutPhase,
  untilFirstChunk: boolean,
): FirstByteLimit {
  const cold = options.state.isLoaded(model) === false;
  const timeoutMs = cold ? options.coldStartTimeoutMs : options.headersTimeoutMs;
  return { phase, timeoutMs, untilFirstChunk };
}
