import {
  ConnectionError,
  type HealthReport,
  LoomError,
  ProviderCallError,
  TimeoutError,
} from '@loom/core';
import { sendJson } from '@loom/provider-utils';
import type { OllamaHttp } from '../http/ollama-http.js';
import { readRunning } from '../models/list-models.js';
import type { ModelState } from '../models/model-state.js';

/** What a health check needs. */
export interface HealthOptions {
  http: OllamaHttp;
  state: ModelState;
  baseURL: string;
  signal: AbortSignal;
}

/** Unreachable, too slow, or answering 5xx: not serving. A body we cannot read is not that. */
function serverDown(error: unknown): boolean {
  if (ConnectionError.isInstance(error) || TimeoutError.isInstance(error)) return true;
  if (ProviderCallError.isInstance(error)) return (error.upstreamStatus ?? 500) >= 500;
  return !LoomError.isInstance(error);
}

function describe(error: unknown): string {
  return LoomError.isInstance(error) ? error.message : 'unknown failure';
}

/**
 * `GET /api/version` and `GET /api/ps` together: `up` with the version and the loaded models
 * when both answer; `down` when the server cannot be reached, times out or answers 5xx;
 * `degraded` when it answers but `/api/ps` is unusable. The reading also refreshes which models
 * are loaded, for the cold-start limit. Rejects only when the caller's signal aborts.
 */
export async function checkHealth(options: HealthOptions): Promise<HealthReport> {
  const { http, signal } = options;
  signal.throwIfAborted();
  const started = performance.now();
  const [version, running] = await Promise.allSettled([
    sendJson(http.warm, { method: 'GET', path: http.paths.version, auth: http.get, signal }),
    readRunning(http, signal),
  ]);
  signal.throwIfAborted();
  const latencyMs = Math.round((performance.now() - started) * 1_000) / 1_000;
  const report: HealthReport = { status: 'up', checkedAt: Date.now(), latencyMs };
  if (version.status === 'fulfilled') {
    const value = (version.value as { version?: unknown } | null)?.version;
    if (typeof value === 'string') report.version = value;
  }
  if (running.status === 'fulfilled') {
    options.state.update(running.value);
    report.models = running.value.flatMap((entry) => {
      const id = typeof entry.name === 'string' && entry.name ? entry.name : entry.model;
      return typeof id === 'string' && id ? [{ id, loaded: true }] : [];
    });
  }
  const failure = [version, running].find((result) => result.status === 'rejected');
  if (failure?.status === 'rejected') {
    const down = serverDown(failure.reason) || version.status === 'rejected';
    report.status = down ? 'down' : 'degraded';
    report.message = down
      ? `Ollama at ${options.baseURL} is not serving: ${describe(failure.reason)}`
      : `Ollama at ${options.baseURL} answers, but /api/ps failed: ${describe(failure.reason)}`;
  }
  return report;
}
