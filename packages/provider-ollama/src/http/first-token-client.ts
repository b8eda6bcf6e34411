import type { JsonClient } from '@loom/provider-utils';
import type { ModelState } from '../models/model-state.js';
import type { OllamaHttp } from './ollama-http.js';

/**
 * The client whose headers limit bounds the first token of `model`: the cold one
 * (`coldStartTimeoutMs`) when the last `/api/ps` reading (and the answers since) say the model
 * is not loaded, so the wait covers loading it from disk; the warm one (`headersTimeoutMs`) when
 * it is loaded or nothing is known yet. It is decided before the request: once sent, Ollama
 * lists a model in `/api/ps` while it is still loading, so asking then cannot tell a load from
 * a hang.
 */
export function firstTokenClient(http: OllamaHttp, state: ModelState, model: string): JsonClient {
  return state.isLoaded(model) === false ? http.cold : http.warm;
}
