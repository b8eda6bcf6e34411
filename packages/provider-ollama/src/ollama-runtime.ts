import type { OllamaHttp } from './http/ollama-http.js';
import type { ModelState } from './models/model-state.js';
import { keepAliveToMs } from './settings/parse-duration.js';

/** What the operations of one provider instance share; built once by `createOllama`. */
export interface OllamaRuntime {
  /** Provider id. */
  readonly provider: string;
  readonly http: OllamaHttp;
  /** Which models are loaded, for the first-token limit. */
  readonly state: ModelState;
  /** `keep_alive` from the settings. */
  readonly keepAlive?: string | number;
}

/** After an answer the model stays loaded for the keep-alive the request asked for. */
export function markAnswered(runtime: OllamaRuntime, model: string, keepAlive: unknown): void {
  const value =
    typeof keepAlive === 'string' || typeof keepAlive === 'number' ? keepAlive : undefined;
  runtime.state.markLoaded(model, value === undefined ? undefined : keepAliveToMs(value));
}
